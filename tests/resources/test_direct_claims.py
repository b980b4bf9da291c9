"""The ownership check of a settings resource declared on its own (`SessionProvider.check`):
when it runs, when it does not, and that a failed look at the backend is waited for once per
deployment. The backend is replaced by a recorder; `tests/reliability/test_single_owner.py`
runs the real one through the engine."""

from __future__ import annotations

from typing import Any

import pytest
from aic_sessions.resources import connection, ownership
from aic_sessions.resources.journey import JourneySessionSettingsProvider
from pulumi.dynamic import CheckFailure

URL = "https://tenant.example.com/am"
CLAIMANT = "organization/p/dev"


def inputs(**extra: Any) -> dict[str, Any]:
    return {
        "baseUrl": URL,
        "realm": "alpha",
        "stateManagement": "CTS",
        "maxDurationMinutes": 5,
        "onDelete": "restore",
        ownership.CLAIMANT: CLAIMANT,
        **extra,
    }


@pytest.fixture
def looked(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, str]]:
    """Each ownership look, answered with a refusal."""
    seen: list[tuple[str, str, str]] = []

    def owner_failures(base_url: str, realm: str, own: str) -> list[CheckFailure]:
        seen.append((base_url, realm, own))
        return [CheckFailure("realm", "owned elsewhere")]

    monkeypatch.setattr(ownership, "owner_failures", owner_failures)
    return seen


def test_a_new_resource_looks_and_an_adopted_one_does_not(looked: list[Any]) -> None:
    provider = JourneySessionSettingsProvider()
    assert provider.check({}, inputs()).failures
    assert looked == [(URL, "alpha", CLAIMANT)]
    assert not provider.check(inputs(), inputs()).failures, "in state already: checked then"
    assert len(looked) == 1


def test_an_asserting_resource_never_looks_and_its_first_write_does(looked: list[Any]) -> None:
    provider = JourneySessionSettingsProvider()
    asserting = inputs(assertOnly=True, promotesFrom="dev")
    assert not provider.check({}, asserting).failures
    assert looked == []
    assert provider.check(asserting, inputs()).failures, "the assert-only state was no check"
    assert len(looked) == 1


def test_a_failed_look_is_waited_for_once_per_deployment() -> None:
    calls: list[str] = []

    def read(own: str) -> dict[Any, str]:
        calls.append(own)
        raise ownership.OwnerCheckTimeout("the backend hangs")

    with connection.deployment() as deployment:
        for _ in range(3):
            with pytest.raises(ownership.OwnerCheckTimeout):
                deployment.read_once(CLAIMANT, read)
    assert calls == [CLAIMANT]
