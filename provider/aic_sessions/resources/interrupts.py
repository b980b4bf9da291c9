"""The engine's interrupt reaches the provider process's main thread.

The engine ends a provider process by sending SIGINT to its process group, and kills it 5 s
later. The SDK's provider then waits in `threading.Event().wait()` on its main thread, the only
thread where CPython runs signal handlers, and that wait ends only when the kernel delivers the
signal to that very thread. Linux may deliver a process-wide signal to any thread not blocking
it, one of gRPC's included: then the main thread sleeps on, no `KeyboardInterrupt`, no `atexit`,
so the admin session stays open in AM (30 minutes by default) and the engine waits its 5 s. Seen
in about 1 provider process in 60 on a loaded machine (tests/reliability/test_admin_sessions.py).

`relay_to_main_thread` has faulthandler write a note of every SIGINT, whichever thread receives
it, into a pipe, and then hand the signal on to Python's own handler as before. A daemon thread
reads each note; when the main thread was not the one interrupted, it sends SIGINT to the main
thread itself (`signal.pthread_kill`), whose wait then ends and whose handler runs once.
"""

from __future__ import annotations

import faulthandler
import logging
import os
import select
import signal
import struct
import threading

# faulthandler writes a thread's id as "0x" and sizeof(unsigned long) * 2 hexadecimal digits, and
# calls the thread that received the signal "Current thread" (CPython 3.11 to 3.13).
_ID_DIGITS = struct.calcsize("L") * 2
_RECEIVED_BY = "Current thread 0x{:0{width}x}"
_NAMED = "hread 0x{:0{width}x}"  # "Thread ..." and "Current thread ..."
SETTLE_SECONDS = 0.05  # a note is written at once by the signal handler; its end is this quiet
_installed = threading.Lock()
_relaying = False
log = logging.getLogger("aic_sessions.provider")


def relay_to_main_thread() -> bool:
    """Relay SIGINT to the main thread from now on (once per process); False where this
    platform cannot (no `faulthandler.register`, as on Windows)."""
    global _relaying
    if not hasattr(faulthandler, "register"):
        return False
    with _installed:
        if not _relaying:
            read_end, write_end = os.pipe()
            os.set_blocking(write_end, False)  # a full pipe drops a note; it never blocks
            faulthandler.register(signal.SIGINT, file=write_end, all_threads=True, chain=True)
            main = threading.main_thread().ident
            assert main is not None  # the main thread has started
            threading.Thread(
                target=_relay, args=(read_end, main), name="sigint-relay", daemon=True
            ).start()
            _relaying = True
    return True


def main_thread_missed(note: str, main: int) -> bool | None:
    """Whether the interrupts noted missed the main thread; None when the note does not name
    it at all (a format this module does not know: then nothing is sent)."""
    if _NAMED.format(main, width=_ID_DIGITS) not in note:
        return None
    return _RECEIVED_BY.format(main, width=_ID_DIGITS) not in note


def _relay(read_end: int, main: int) -> None:
    while True:
        note = os.read(read_end, 65536)
        while select.select([read_end], [], [], SETTLE_SECONDS)[0]:
            note += os.read(read_end, 65536)
        missed = main_thread_missed(note.decode("utf-8", "replace"), main)
        if missed:
            log.debug("SIGINT reached another thread; relayed to the main thread")
            signal.pthread_kill(main, signal.SIGINT)
        elif missed is None:
            log.debug("SIGINT noted in a form not understood; not relayed")
