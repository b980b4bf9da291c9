"""The engine's interrupt reaches the provider process's main thread.

The engine ends a provider process by sending SIGINT to its process group. It kills the process
5 s later. Linux may deliver that signal to any thread that does not block it, one of gRPC's
included. Python runs signal handlers only in the main thread, and the SDK's provider main
thread waits in `threading.Event().wait()`, a wait that only a signal to that very thread ends.
So when another thread receives it, the main thread sleeps on: no `KeyboardInterrupt`, no
`atexit`, the admin session left open in AM (30 minutes by default), and the engine waits 5 s
before the kill. Measured: 3 provider processes in 270 on a loaded machine
(tests/reliability/test_admin_sessions.py in a loop).

`relay_to_main_thread` has faulthandler write a note of every SIGINT, whichever thread receives
it, into a pipe, and then hand the signal on to Python's own handler as before. A daemon thread
reads each note. When the note names another thread as the receiver, it sends SIGINT to the main
thread itself (`signal.pthread_kill`), whose wait then ends and whose handler runs once. This
assumes the main thread only waits (the SDK's provider): a main thread running Python code would
handle the first signal itself. So the relay acts at most once per process.

faulthandler keeps one registration per signal: this module owns SIGINT's. Registering SIGINT
again elsewhere in the provider process turns the relay off.
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
# calls the thread that received the signal "Current thread" (CPython 3.11 and later; newer ones
# add the thread's name after the id).
_ID_DIGITS = struct.calcsize("L") * 2
_RECEIVED_BY = "Current thread 0x{:0{width}x}"
_NAMED = "hread 0x{:0{width}x}"  # "Thread ..." and "Current thread ..."
# A note is many small writes from the signal handler: it has ended after this much quiet.
SETTLE_SECONDS = 0.05
PIPE_BYTES = 1 << 20  # room for a note of many deep stacks (the main thread's line comes last)
_installed = threading.Lock()
_relaying = False
log = logging.getLogger("aic_sessions.provider")


def relay_to_main_thread() -> bool:
    """Relay SIGINT to the main thread from now on (once per process); False where it cannot
    (no `faulthandler.register`, as on Windows, or the pipe or registration failed)."""
    global _relaying
    if not hasattr(faulthandler, "register"):
        return False
    with _installed:
        if not _relaying:
            try:
                read_end = _note_pipe()
            except (OSError, RuntimeError, ValueError) as exc:
                log.warning("SIGINT is not relayed to the main thread (%s)", exc)
                return False
            main = threading.main_thread().ident
            assert main is not None  # the main thread has started
            threading.Thread(
                target=_relay, args=(read_end, main), name="sigint-relay", daemon=True
            ).start()
            _relaying = True
    return True


def _note_pipe() -> int:
    """A pipe faulthandler writes its SIGINT notes into; its read end."""
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)  # a full pipe drops a note; it never blocks the handler
    try:
        import fcntl

        if hasattr(fcntl, "F_SETPIPE_SZ"):  # Linux
            fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, OSError):  # the default size (64 KiB) then
        pass
    faulthandler.register(signal.SIGINT, file=write_end, all_threads=True, chain=True)
    return read_end


def main_thread_missed(note: str, main: int) -> bool | None:
    """Whether the interrupts noted missed the main thread; None when the note does not name
    it at all (cut short, or a form this module does not know: then nothing is sent)."""
    if _NAMED.format(main, width=_ID_DIGITS) not in note:
        return None
    return _RECEIVED_BY.format(main, width=_ID_DIGITS) not in note


def _relay(read_end: int, main: int) -> None:
    try:
        while True:
            note = os.read(read_end, PIPE_BYTES)
            while select.select([read_end], [], [], SETTLE_SECONDS)[0]:
                note += os.read(read_end, PIPE_BYTES)
            missed = main_thread_missed(note.decode("utf-8", "replace"), main)
            if missed:
                log.debug("SIGINT reached another thread; relayed to the main thread")
                signal.pthread_kill(main, signal.SIGINT)
                return  # at most once: the main thread now ends
            log.debug(
                "SIGINT reached the main thread"
                if missed is False
                else "SIGINT noted without the main thread's line; not relayed"
            )
    except (OSError, ValueError) as exc:  # the relay ends; the engine's kill remains
        log.warning("The SIGINT relay stopped (%s)", exc)
