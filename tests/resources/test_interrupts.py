"""The engine's SIGINT ends the provider process also when the kernel hands it to a thread other
than the main one (one of gRPC's, or a Python thread): the main thread, where the SDK's provider
waits and where Python runs signal handlers, is interrupted once, so `atexit` ends the admin
sessions. Without the relay, that process sleeps on until the engine kills it."""

from __future__ import annotations

import faulthandler
import subprocess
import sys
import threading
import time
from pathlib import Path

from aic_sessions.resources import interrupts

# A provider process in small: the SDK's main thread waits in `Event().wait()` beside a gRPC
# server's threads and a Python thread; the relay is installed from a worker thread (the
# provider's `configure` runs on one); then SIGINT goes to the thread the test names, as the
# kernel may choose it. After the interrupt, the main thread waits until the relay has read the
# note of that signal (a second interrupt would end this with a traceback), then prints the
# relay's own words.
PROVIDER = """
import atexit, ctypes, logging, os, signal, sys, threading, time
from concurrent import futures
import grpc
from aic_sessions.resources import interrupts

said = []
class Keep(logging.Handler):
    def emit(self, record):
        said.append(record.getMessage())
logging.getLogger("aic_sessions").addHandler(Keep())
logging.getLogger("aic_sessions").setLevel(logging.DEBUG)
atexit.register(lambda: print("atexit ran", flush=True))

server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
server.add_insecure_port("127.0.0.1:0")
server.start()
worker = threading.Thread(target=time.sleep, args=(60,), daemon=True)
worker.start()
if sys.argv[1] == "relay":
    installer = threading.Thread(target=interrupts.relay_to_main_thread)
    installer.start()
    installer.join()

def thread_python_does_not_know():
    known = {t.native_id for t in threading.enumerate()}
    return next(int(t) for t in sorted(os.listdir("/proc/self/task")) if int(t) not in known)

def send():
    time.sleep(0.3)
    if sys.argv[2] == "grpc":
        libc = ctypes.CDLL(None, use_errno=True)
        assert libc.tgkill(os.getpid(), thread_python_does_not_know(), signal.SIGINT) == 0
    else:
        target = worker if sys.argv[2] == "worker" else threading.main_thread()
        signal.pthread_kill(target.ident, signal.SIGINT)
    print("sent", flush=True)

threading.Thread(target=send, daemon=True).start()
try:
    threading.Event().wait()
except KeyboardInterrupt:
    print("interrupted", flush=True)
    deadline = time.monotonic() + 10
    while not any(s.startswith("SIGINT") for s in said) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)
    print(*(s for s in said if s.startswith("SIGINT")), sep="\\n", flush=True)
    server.stop(0)
"""
RELAYED = "SIGINT reached another thread; relayed to the main thread"


def provider(relay: str, target: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", PROVIDER, relay, target],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_an_interrupt_received_by_a_grpc_thread_ends_the_main_threads_wait() -> None:
    """The case met in CI: a thread Python does not know receives the engine's SIGINT."""
    process = provider("relay", "grpc")
    out, err = process.communicate(timeout=30)
    assert (process.returncode, err) == (0, "")
    assert sorted(out.splitlines()) == sorted(["sent", "interrupted", RELAYED, "atexit ran"])


def test_an_interrupt_received_by_a_python_thread_ends_the_main_threads_wait() -> None:
    process = provider("relay", "worker")
    out, err = process.communicate(timeout=30)
    assert (process.returncode, err) == (0, "")
    assert sorted(out.splitlines()) == sorted(["sent", "interrupted", RELAYED, "atexit ran"])


def test_an_interrupt_received_by_the_main_thread_is_handled_once() -> None:
    process = provider("relay", "main")
    out, err = process.communicate(timeout=30)
    assert (process.returncode, err) == (0, "")
    expected = ["sent", "interrupted", "SIGINT reached the main thread", "atexit ran"]
    assert sorted(out.splitlines()) == sorted(expected)


def test_without_the_relay_that_interrupt_leaves_the_main_thread_waiting() -> None:
    """The failure the relay mends, shown on this Python (so the tests above can fail)."""
    for target in ("grpc", "worker"):
        process = provider("none", target)
        try:
            assert process.stdout is not None
            assert process.stdout.readline() == "sent\n"
            time.sleep(1.0)
            assert process.poll() is None, f"{target}: the main thread woke without the relay"
        finally:
            process.kill()
            process.communicate()


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
