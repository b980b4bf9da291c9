"""The engine's interrupt reaches the provider process's main thread.

The engine ends a provider process by sending SIGINT to its process group. It kills the process
5 s later. Linux may deliver that signal to any thread that does not block it, one of gRPC's
included. Python runs signal handlers only in the main thread, and the SDK's provider main
thread waits in `threading.Event().wait()`, a wait that only a signal to that very thread ends.
So when another thread receives it, the main thread sleeps on: no `KeyboardInterrupt`, no
`atexit`, the admin session left open in AM (30 minutes by default), and the engine waits 5 s
before the kill. Measured: 3 provider processes in 270 on a loaded machine
(tests/reliability/test_admin_sessions.py in a loop).

`wake_main_thread` makes sure the main thread looks at its signals often: a daemon thread sends
it SIGWINCH four times a second, until `atexit`. Each ends the main thread's wait for a moment
(on Linux, where that wait is a semaphore's), and Python then runs the handler of any signal
received meanwhile, whichever thread received it; then the wait goes on. SIGWINCH is ignored by
default, so one arriving after faulthandler's end is harmless. faulthandler gives it a handler
that writes the stack of the thread it reaches (the main thread, for a wake) to the null device
and then hands the signal on to its default, to be ignored. This module owns SIGWINCH in the
provider process: another registration of it (`signal.signal`, `faulthandler`) turns the wakes
off, and a Python handler of it set earlier would run at every wake.

Tried first: faulthandler noting every SIGINT with all threads' stacks, and a relay only when
another thread had received it. Reading the other threads' stacks from a signal handler crashed
a provider process of the tests (SIGSEGV), once in a whole run of the suite.
"""

from __future__ import annotations

import atexit
import faulthandler
import logging
import os
import signal
import threading

WAKE_SECONDS = 0.25  # about the longest a signal another thread received waits for its handler
_WAKE_SIGNAL: int | None = getattr(signal, "SIGWINCH", None)
_installed = threading.Lock()
_waking = False
log = logging.getLogger("aic_sessions.provider")


def wake_main_thread() -> bool:
    """Start waking the main thread (once per process); False where this cannot be done (no
    SIGWINCH or no `faulthandler.register`, as on Windows, or the registration failed)."""
    global _waking
    if _WAKE_SIGNAL is None or not hasattr(faulthandler, "register"):
        return False
    with _installed:
        if not _waking:
            main = threading.main_thread().ident
            assert main is not None  # the main thread has started
            ended = threading.Event()
            try:
                sink = open(os.devnull, "w")  # noqa: SIM115 (faulthandler writes to it for good)
            except OSError as exc:
                log.warning("The main thread is not woken for its signals (%s)", exc)
                return False
            try:
                # chain=True: without it, faulthandler asks for SA_RESTART, and the kernel then
                # resumes the main thread's wait instead of ending it (EINTR).
                faulthandler.register(_WAKE_SIGNAL, file=sink, all_threads=False, chain=True)
                threading.Thread(  # a daemon: the interpreter's end waits for it otherwise
                    target=_wake,
                    args=(main, _WAKE_SIGNAL, ended, sink),
                    name="main-waker",
                    daemon=True,
                ).start()
            except (OSError, RuntimeError, ValueError) as exc:
                faulthandler.unregister(_WAKE_SIGNAL)
                sink.close()
                log.warning("The main thread is not woken for its signals (%s)", exc)
                return False
            atexit.register(ended.set)  # no new wake once `atexit` runs (one may be under way)
            _waking = True
    return True


def _wake(main: int, signum: int, ended: threading.Event, sink: object) -> None:
    """Signal the main thread every `WAKE_SECONDS` until `ended` (`sink` stays referenced)."""
    try:
        while not ended.wait(WAKE_SECONDS):
            signal.pthread_kill(main, signum)
    except (OSError, ValueError) as exc:  # the main thread is gone: the process ends
        log.debug("Stopped waking the main thread (%s)", exc)
