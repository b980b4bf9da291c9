"""The provider process ends when the engine is gone (providers once outlived a killed
engine and ignored SIGTERM), and only then: a slow engine is not a dead one. It ends the
deployment's admin sessions first."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

from aic_sessions.resources import lifetime

WATCHED = """
import sys, time
sys.argv = ["pulumi.dynamic", "127.0.0.1:{port}"]
from aic_sessions.resources import connection, lifetime
connection.current().close = lambda: print("admin sessions ended", flush=True)
lifetime.exit_with_engine(interval=0.2)
time.sleep(30)
"""


def test_the_engine_address_is_read_from_the_provider_arguments() -> None:
    assert lifetime.engine_address(["x", "127.0.0.1:4242"]) == ("127.0.0.1", 4242)
    assert lifetime.engine_address(["x", "[::1]:5"]) == ("::1", 5)
    assert lifetime.engine_address(["x", "--flag"]) is None


def test_the_process_lives_with_the_engine_and_ends_without_it() -> None:
    engine = socket.socket()
    engine.bind(("127.0.0.1", 0))
    engine.listen()
    port = engine.getsockname()[1]
    provider = subprocess.Popen(
        [sys.executable, "-c", WATCHED.format(port=port)], stdout=subprocess.PIPE, text=True
    )
    try:
        time.sleep(2.0)
        assert provider.poll() is None, "ended while the engine was there"
        engine.close()
        started = time.monotonic()
        assert provider.wait(timeout=15) == 1
        assert time.monotonic() - started < 10
        assert provider.stdout is not None
        assert provider.stdout.read() == "admin sessions ended\n"
    finally:
        provider.kill()
        engine.close()
