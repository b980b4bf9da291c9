"""The provider process ends when the engine is gone (providers once outlived a killed
engine and ignored SIGTERM), and only then: a slow engine is not a dead one. It ends the
deployment's admin sessions first, within a bound also when that hangs."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

from aic_sessions.resources import connection, lifetime

# {close}: what the deployment's close does in this process (it prints, or it hangs).
WATCHED = """
import sys, time
sys.argv = ["pulumi.dynamic", "127.0.0.1:{port}"]
from aic_sessions.resources import connection, lifetime
connection.current().close = lambda: {close}
lifetime.exit_with_engine(interval=0.2)
time.sleep(60)
"""
ENDS = 'print("admin sessions ended", flush=True)'
HANGS = "time.sleep(60)"


def test_the_engine_address_is_read_from_the_provider_arguments() -> None:
    assert lifetime.engine_address(["x", "127.0.0.1:4242"]) == ("127.0.0.1", 4242)
    assert lifetime.engine_address(["x", "[::1]:5"]) == ("::1", 5)
    assert lifetime.engine_address(["x", "--flag"]) is None


def watch_engine_go(close: str) -> tuple[float, str]:
    """Start a watched provider, end its engine after 2 s; seconds to its exit, its output."""
    engine = socket.socket()
    engine.bind(("127.0.0.1", 0))
    engine.listen()
    port = engine.getsockname()[1]
    script = WATCHED.format(port=port, close=close)
    provider = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        time.sleep(2.0)
        assert provider.poll() is None, "ended while the engine was there"
        engine.close()
        started = time.monotonic()
        out, _ = provider.communicate(timeout=20)
        assert provider.returncode == 1
        return time.monotonic() - started, out
    finally:
        provider.kill()
        provider.communicate()
        engine.close()


def test_the_process_lives_with_the_engine_and_ends_without_it() -> None:
    seconds, out = watch_engine_go(ENDS)
    assert out == "admin sessions ended\n"
    assert seconds < 10


def test_a_hanging_close_delays_the_exit_by_its_bound_only() -> None:
    seconds, out = watch_engine_go(HANGS)
    assert out == ""
    bound = connection.CLOSE_SECONDS + 1.0
    assert bound <= seconds < bound + 10  # three missed connections of 0.2 s, then the bound
