"""Provider configuration is read as `aic-sessions:<key>` whatever the consuming project's name."""

from __future__ import annotations

from aic_sessions.resources import connection
from aic_sessions.resources.journey import JourneySessionSettingsProvider
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config


def configure(project: str, raw: dict[str, str]) -> None:
    JourneySessionSettingsProvider().configure(ConfigureRequest(Config(raw, project)))


def test_keys_are_read_in_the_aic_sessions_namespace_from_another_project() -> None:
    configure("acme-identity", {"aic-sessions:saId": "sa-1", "aic-sessions:verifyTls": "false"})
    assert connection.stack_setting("saId") == "sa-1"
    assert connection.stack_setting("verifyTls") == "false"


def test_the_consumer_projects_own_namespace_is_not_ours() -> None:
    configure("acme-identity", {"acme-identity:saId": "not-ours", "acme-identity:saJwk": "{}"})
    assert connection.stack_setting("saId") is None
    assert connection.stack_setting("saJwk") is None
