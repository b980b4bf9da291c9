"""Shared fixtures: an isolated Pulumi backend and CLI for tests that run the real engine; the
markers and pytest-xdist groups of tests that share a session-wide server or build."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from aic_sessions.resources import connection

from tests.engine_cli import engine_environment

pytest_plugins = [
    "tests.emulator_fixtures",
    "tests.realserver.background",
    "tests.realserver.fixture",
]

# Fixture -> the marker of every test using it (pyproject.toml describes the markers).
MARKERS = {
    "engine_env": "engine",
    "openam": "realserver",
    "postgres": "postgres",
    "consumer_wheel": "wheel",
}
# Session-wide fixtures whose tests form one xdist group: a group runs on one worker
# (`--dist loadgroup`), so each such server is made once per run and ended by the worker that
# made it, never while another worker still uses it. The wheel and its venvs are no group: they
# are made once per run for every worker (tests/library/conftest.py, `made_once`).
GROUPS = ("openam", "postgres")


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects and xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    merged = merged_groups([set(GROUPS) & set(getattr(i, "fixturenames", ())) for i in items])
    for item in items:
        used = getattr(item, "fixturenames", ())
        for fixture, name in MARKERS.items():
            if fixture in used:
                item.add_marker(getattr(pytest.mark, name))
        groups = [fixture for fixture in GROUPS if fixture in used]
        if groups:
            item.add_marker(pytest.mark.xdist_group(merged[groups[0]]))
    items.sort(key=expected_cost)
    engine_tests = sum(1 for i in items if i.get_closest_marker("engine"))
    hand_out_later(items, "realserver", int(engine_tests * OPENAM_AFTER_SHARE))


ENGINE_HOME = pytest.StashKey[tuple[Path, str | None]]()


def pytest_configure(config: pytest.Config) -> None:
    """A fresh engine home for this process (`isolate_engine_home`); under `--dist loadgroup`,
    pytest-xdist hands out work in the order `ORDER` gives, not largest group first."""
    earlier = os.environ.get("PULUMI_HOME")
    config.stash[ENGINE_HOME] = (isolate_engine_home(), earlier)
    if getattr(config.option, "dist", None) == "loadgroup":
        config.option.loadscopereorder = False


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove this process's engine home and give `PULUMI_HOME` back its earlier value."""
    home, earlier = config.stash.get(ENGINE_HOME, (None, None))
    if home is None:
        return
    shutil.rmtree(home, ignore_errors=True)
    if earlier is None:
        os.environ.pop("PULUMI_HOME", None)
    else:
        os.environ["PULUMI_HOME"] = earlier


def isolate_engine_home() -> Path:
    """Point `PULUMI_HOME` (also one set by the caller) at a new, empty folder for every engine
    command this process starts. The engine reads and stats its whole log folder there at each
    command's start, so a shared, grown one slows every command (docs/development.md)."""
    home = Path(tempfile.mkdtemp(prefix="aic-sessions-pulumi-home-"))
    os.environ["PULUMI_HOME"] = str(home)
    return home


# Heaviest first: pytest-xdist hands out the tests (a group at its first test) in this order, so
# the run ends on tests of a second or less instead of a minute-long lifecycle started by one
# worker while the other has nothing left. Stable: a file's tests stay in order.
ORDER = ("engine", "wheel", "frodo", "slow")
# The real OpenAM starts in the background at collection and answers about 80 s later (60 s of
# it a fixed wait inside OpenAM, docs/real-server.md): its group is handed out after this share
# of the engine tests (2026-12-03: a fifth is 2.5-3 minutes of work on 2 workers), so no
# worker sits waiting for the server.
OPENAM_AFTER_SHARE = 0.2


def expected_cost(item: pytest.Item) -> int:
    """The rank of an item's heaviest marker in ORDER (engine first), or last without one."""
    return next((i for i, name in enumerate(ORDER) if item.get_closest_marker(name)), len(ORDER))


def hand_out_later(items: list[pytest.Item], marker: str, after: int) -> None:
    """Move the items marked `marker` (in their order) behind the first `after` others."""
    marked = [i for i in items if i.get_closest_marker(marker)]
    others = [i for i in items if not i.get_closest_marker(marker)]
    items[:] = [*others[:after], *marked, *others[after:]]


def merged_groups(uses: list[set[str]]) -> dict[str, str]:
    """Group fixture -> its xdist group: fixtures one test uses together share one group (a
    test in two groups would make the other's server or build a second time on its worker)."""
    group = {fixture: {fixture} for fixture in GROUPS}
    for used in uses:
        joined = set().union(*(group[f] for f in used)) if used else set()
        for fixture in joined:
            group[fixture] = joined
    return {f: "_".join(sorted(MARKERS[m] for m in members)) for f, members in group.items()}


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """An xdist worker under `--dist loadgroup`: fail if the groups would be ignored (pytest 9.2
    with pytest-xdist 3.8 dropped the node id suffix they travel in), instead of running a
    session-wide server's tests on several workers."""
    if not getattr(session.config.option, "loadgroup", False):
        return
    lost = [
        i.nodeid
        for i in session.items
        if i.get_closest_marker("xdist_group") and "@" not in i.nodeid
    ]
    if lost:
        raise pytest.UsageError(f"pytest-xdist groups are lost with this pytest: {lost[0]} ...")


@pytest.fixture(autouse=True)
def _own_deployment() -> Iterator[None]:
    """Every test runs in a deployment of its own (provider configuration, clients, read cache,
    realm claims), as every engine operation runs in a process of its own."""
    with connection.deployment():
        yield


@pytest.fixture(scope="session")
def engine_env_base(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The local engine environment (builds the engine on first use if `make setup` did not)."""
    return engine_environment(tmp_path_factory.mktemp("backend"))


@pytest.fixture
def engine_env(engine_env_base: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """Per-test environment: its own file backend, so tests never see each other's stacks."""
    backend = tmp_path / "backend"
    backend.mkdir()
    return {**engine_env_base, "PULUMI_BACKEND_URL": f"file://{backend}"}
