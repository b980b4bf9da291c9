"""Pytest plugin: start the real OpenAM in the background as soon as the run knows it needs it.

A start takes minutes (76-190 s warm, more cold), so it runs beside the other tests instead of
before the first `realserver` test. The run that starts it here stops it at the end (only if
`scripts/openam` says this start is the one that started it) without waiting for the JVM's
end; a server already running is left alone. The `openam` fixture needs nothing from this
plugin: it asks `scripts/openam start`, which waits for the start under way (a lock) and reuses
it.

With pytest-xdist the controller starts and stops it (workers end before the controller does);
it sees which tests the workers collected through their `@realserver` group suffix.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import IO

import pytest

from tests.realserver.openam import SCRIPT, stop_server

MARKER = "realserver"


class _Start:
    """One `scripts/openam start --json` in the background, its answer and progress in files."""

    def __init__(self, folder: Path) -> None:
        self.log = folder / "openam-start.log"
        self._out: IO[bytes] = (folder / "openam-start.json").open("w+b")
        with self.log.open("wb") as err:
            self.process = subprocess.Popen(
                [str(SCRIPT), "start", "--json"],
                stdout=self._out,
                stderr=err,
                stdin=subprocess.DEVNULL,
            )

    def finish(self) -> None:
        """Wait for the start; stop the server if this start is the one that started it."""
        code = self.process.wait()
        self._out.seek(0)
        answer = self._out.read().decode()
        self._out.close()
        if code != 0:
            print(f"\nopenam: background start failed ({code}); see {self.log}", file=sys.stderr)
            return
        shutil.rmtree(self.log.parent, ignore_errors=True)
        if json.loads(answer).get("started"):
            stop_server(wait=False)  # the JVM's shutdown is not ours to wait for


_KEY = pytest.StashKey["_Start | None"]()


def _start(config: pytest.Config) -> None:
    if config.stash.get(_KEY, None) is None:
        config.stash[_KEY] = _Start(Path(tempfile.mkdtemp(prefix="aic-openam-start-")))


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """Without xdist: start when a selected test is marked `realserver`."""
    config = session.config
    if (
        config.option.collectonly
        or _is_worker(config)
        or config.pluginmanager.hasplugin("dsession")
    ):
        return
    if any(item.get_closest_marker(MARKER) for item in session.items):
        _start(config)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_node_collection_finished(node: object, ids: list[str]) -> None:
    """The xdist controller: start when a worker collected a test of the `realserver` group."""
    if node.config.option.collectonly:  # type: ignore[attr-defined]
        return
    if any(MARKER in nodeid.rpartition("@")[2].split("_") for nodeid in ids if "@" in nodeid):
        _start(node.config)  # type: ignore[attr-defined]


def pytest_unconfigure(config: pytest.Config) -> None:
    start = config.stash.get(_KEY, None)
    if start is not None:
        config.stash[_KEY] = None
        start.finish()
