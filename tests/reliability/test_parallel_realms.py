"""20 realms x 3 resources applied in parallel, with latency so requests of different realms
overlap: every intended value lands in the right realm, each exactly once.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aic_emulator.testing import EmulatorServer

from tests.engine.project import realm
from tests.reliability.deployment import UP, admin_credentials, assert_converged, deploy, writes

pytestmark = pytest.mark.engine

REALMS = 20
EMULATOR_LINE = re.compile(r"^(GET|PUT) /am/json/realms/root/realms/(r\d+)/\S+ \d+ ([\d.]+)ms$")


def intended(i: int) -> dict[str, Any]:
    """Values unlike every other realm's, so a mix-up between realms cannot go unseen."""
    authenticated: dict[str, Any] = {"clientSideSessions": False}
    if i % 2 == 0:
        authenticated["maxSessionTimeMinutes"] = 200 + i
    return realm(
        f"r{i}",
        journey={"stateManagement": "CTS", "maxDurationMinutes": 10 + i},
        authenticated=authenticated,
    )


@pytest.fixture
def many_realms() -> Iterator[EmulatorServer]:
    with EmulatorServer(flavour="am", realms=[f"r{i}" for i in range(1, REALMS + 1)]) as server:
        yield server


def peak_overlap(records: list[logging.LogRecord]) -> tuple[int, int]:
    """From the emulator's request log: most requests in flight at once, and of how many realms."""
    spans = []
    for record in records:
        found = EMULATOR_LINE.match(record.getMessage())
        if found:
            end = record.created
            spans.append((end - float(found.group(3)) / 1000, end, found.group(2)))
    best, realms = 0, 0
    for start, _, _ in spans:
        live = [r for s, e, r in spans if s <= start < e]
        if len(live) > best:
            best, realms = len(live), len(set(live))
    return best, realms


def test_twenty_realms_in_parallel_with_interleaved_requests(
    tmp_path: Path,
    engine_env: dict[str, str],
    many_realms: EmulatorServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    specs = [intended(i) for i in range(1, REALMS + 1)]
    deployment = deploy(tmp_path, engine_env, many_realms, specs, admin_credentials(many_realms))
    caplog.set_level(logging.INFO, logger="aic_emulator")
    many_realms.inject_fault(
        method="GET", path="/realm-config/", kind="latency", delayMs=150, count=60
    )
    many_realms.inject_fault(
        method="PUT", path="/realm-config/", kind="latency", delayMs=100, count=60
    )
    many_realms.clear_requests()

    deployment.run(*UP)

    with_timeouts = sum(1 for s in specs if "maxSessionTimeMinutes" in s["authenticated"])
    assert writes(many_realms) == 3 * REALMS + with_timeouts, (
        "one write per resource (+ Session service)"
    )
    in_flight, realms_in_flight = peak_overlap(caplog.records)
    assert in_flight >= 2 and realms_in_flight >= 2, "requests of different realms must overlap"
    many_realms.clear_faults()
    assert_converged(deployment)
