"""The engine's SIGINT ends the provider process also when the kernel hands it to a thread other
than the main one: the main thread (where the SDK's provider waits, and where Python runs signal
handlers) is interrupted once, so `atexit` ends the admin sessions. Without the relay, that
process sleeps on until the engine kills it (seen in about 1 provider process in 60)."""

from __future__ import annotations

import faulthandler
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from aic_sessions.resources import interrupts

# A provider process in small: the SDK's main thread waits in `Event().wait()` beside other
# threads; the relay is installed from a worker thread (the provider's `configure` runs on one);
# then SIGINT is sent to the thread the test names, as the kernel may choose it.
PROVIDER = """
import atexit, signal, sys, threading, time
from aic_sessions.resources import interrupts

atexit.register(lambda: print("atexit ran", flush=True))
worker = threading.Thread(target=time.sleep, args=(60,), daemon=True)
worker.start()
if sys.argv[1] == "relay":
    installer = threading.Thread(target=interrupts.relay_to_main_thread)
    installer.start()
    installer.join()
target = worker.ident if sys.argv[2] == "worker" else threading.main_thread().ident
threading.Timer(0.3, signal.pthread_kill, (target, signal.SIGINT)).start()
try:
    threading.Event().wait()
except KeyboardInterrupt:
    print("interrupted", flush=True)
    time.sleep(0.5)  # a second interrupt would end this handler with a traceback
"""


def run_provider(relay: str, target: str, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", PROVIDER, relay, target],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_an_interrupt_received_by_another_thread_ends_the_main_threads_wait() -> None:
    ended = run_provider("relay", "worker", timeout=20)
    assert (ended.returncode, ended.stderr) == (0, "")
    assert ended.stdout.splitlines() == ["interrupted", "atexit ran"]


def test_without_the_relay_that_interrupt_leaves_the_main_thread_waiting() -> None:
    """The failure the relay mends, shown on this Python (so the test above can fail)."""
    with pytest.raises(subprocess.TimeoutExpired):
        run_provider("none", "worker", timeout=3)


def test_an_interrupt_received_by_the_main_thread_is_handled_once() -> None:
    ended = run_provider("relay", "main", timeout=20)
    assert (ended.returncode, ended.stderr) == (0, "")
    assert ended.stdout.splitlines() == ["interrupted", "atexit ran"]


def note_written_by(thread: str, tmp_path: Path) -> str:
    """faulthandler's note of all threads, written from the main thread or from another one."""
    path = tmp_path / "note.txt"
    with path.open("w") as note:
        if thread == "main":
            faulthandler.dump_traceback(note, all_threads=True)
        else:
            other = threading.Thread(target=faulthandler.dump_traceback, args=(note, True))
            other.start()
            other.join()
    return path.read_text()


def test_the_note_says_which_thread_received_the_signal(tmp_path: Path) -> None:
    main = threading.main_thread().ident
    assert main is not None
    assert interrupts.main_thread_missed(note_written_by("main", tmp_path), main) is False
    assert interrupts.main_thread_missed(note_written_by("other", tmp_path), main) is True


def test_a_note_that_does_not_name_the_main_thread_sends_nothing() -> None:
    main = threading.main_thread().ident
    assert main is not None
    assert interrupts.main_thread_missed("Stack (most recent call first):\n", main) is None
    assert interrupts.main_thread_missed("", main) is None
