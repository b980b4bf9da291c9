"""The `openam` fixture: one real OpenAM per test session, reused when already running (a
plugin of tests/conftest.py, so a test of any suite may use it).

It asks `scripts/openam start` for the server, which reuses one answering (after waiting for a
start under way) or starts it, and stops it at the end of the session (also after a failure or
Ctrl-C) only if it started it.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

import pytest

from tests.realserver.openam import OpenAM, connect, server_status, start_server, stop_server


@contextlib.contextmanager
def _visible(config: pytest.Config) -> Iterator[None]:
    """Let scripts/openam's progress reach the terminal (a cold start takes minutes)."""
    capture = config.pluginmanager.getplugin("capturemanager")
    context = capture.global_and_fixture_disabled() if capture else contextlib.nullcontext()
    with context:
        yield


@pytest.fixture(scope="session")
def openam(request: pytest.FixtureRequest) -> Iterator[OpenAM]:
    """A running OpenAM with realms alpha and bravo, each holding the test user."""
    code, _ = server_status()
    # Always `start`: a start under way (the background one) holds the lock until it has also
    # ended the sessions an earlier run left, so nobody logs in before that and loses the session.
    with _visible(request.config) if code != 0 else contextlib.nullcontext():
        if code != 0:
            print("\nopenam: starting the real server (cold: minutes)", file=sys.stderr)
        try:
            facts = start_server()
        except BaseException:
            if code == 3:  # nobody else was running it: leave nothing behind
                stop_server()
            raise
    started = bool(facts["started"])
    server = connect(facts)
    try:
        yield server
    finally:
        server.end_admin_login()
        if started:
            with _visible(request.config):
                stop_server(wait=False)


@pytest.fixture
def realm(openam: OpenAM) -> Iterator[str]:
    """A new realm of this test's own (unique name), deleted afterwards."""
    name = openam.create_realm()
    yield name
    openam.delete_realm(name)
