"""The provider process ends with the engine that started it.

The engine starts the dynamic provider as `python -m pulumi.dynamic <engine address>` and ends
it with SIGINT when the deployment finishes: `exit_with_engine` makes sure that interrupt reaches
the main thread (`interrupts.py`). When the engine itself dies (SIGKILL, a killed CI job), nobody
ends the provider, which then holds its gRPC server open for ever: `exit_with_engine` also starts
one daemon thread per process that connects to the engine's address every second and, after
three refused connections in a row, ends the deployment's admin sessions and the process.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import sys
import threading
import time

from . import connection, interrupts

_ADDRESS = re.compile(r"^(?P<host>[\w.-]+|\[[0-9a-fA-F:]+\]):(?P<port>\d+)$")
_started = threading.Event()
log = logging.getLogger("aic_sessions.provider")


def engine_address(argv: list[str]) -> tuple[str, int] | None:
    """The `host:port` argument the engine starts providers with, if there is one."""
    for arg in argv[1:]:
        found = _ADDRESS.match(arg)
        if found:
            return found.group("host").strip("[]"), int(found.group("port"))
    return None


def exit_with_engine(interval: float = 1.0, misses: int = 3) -> None:
    """Start waking the main thread (`interrupts.py`) and the watchdog, once per process (a no-op
    outside a provider process)."""
    address = engine_address(sys.argv)
    if address is None or _started.is_set():
        return
    _started.set()
    interrupts.wake_main_thread()
    threading.Thread(
        target=_watch, args=(address, interval, misses), name="engine-watchdog", daemon=True
    ).start()


def engine_alive(address: tuple[str, int], timeout: float = 1.0) -> bool:
    """False only when the engine's port refuses: a slow connect on a busy machine is not death."""
    try:
        with socket.create_connection(address, timeout=timeout):
            return True
    except ConnectionRefusedError:
        return False
    except OSError:
        return True


def _watch(address: tuple[str, int], interval: float, misses: int) -> None:
    missed = 0
    while True:
        time.sleep(interval)
        missed = 0 if engine_alive(address) else missed + 1
        if missed >= misses:
            # Not a print: the engine held our stderr pipe, and writing to it raises now.
            log.warning("the engine at %s:%s is gone; exiting", *address)
            end_admin_sessions()
            os._exit(1)


def end_admin_sessions() -> None:
    """Close the deployment's clients (ending their admin sessions) before an exit that runs no
    `atexit`; at most `CLOSE_SECONDS` and a second, also when a request hangs."""
    closer = threading.Thread(target=connection.current().close, name="closer", daemon=True)
    try:
        closer.start()
    except RuntimeError:  # the interpreter is ending (3.12.0-3.12.1 refuse threads then), so
        connection.current().close()  # `atexit`'s close runs: this waits for its end
        return
    closer.join(connection.CLOSE_SECONDS + 1.0)
