"""The program's checks of the stack configuration run once per configuration, not once per
declared resource.

The configuration checks (plaintext credentials, unknown keys) read the whole of PULUMI_CONFIG
once per configuration, not once per declared resource (four per realm: about 1 s of a
200-realm program otherwise).
"""

from __future__ import annotations

import json

import pytest
from aic_sessions.resources import base, connection, credentials
from pulumi import RunError


def test_a_sound_configuration_is_checked_once_and_a_changed_one_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[None] = []
    check = credentials.require_secret_credentials
    monkeypatch.setattr(credentials, "require_secret_credentials", lambda: calls.append(check()))
    monkeypatch.setattr(base, "_SOUND_CONFIGS", set())
    realms = json.dumps([{"name": f"r{i}"} for i in range(200)])
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps({"aic-sessions:realms": realms}))
    monkeypatch.setenv("PULUMI_CONFIG_SECRET_KEYS", "[]")
    for _ in range(800):
        base.require_sound_config()
    assert len(calls) == 1

    plaintext = {"aic-sessions:realms": realms, "aic-sessions:adminPassword": "x"}
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps(plaintext))
    for _ in range(2):  # a failing configuration is never remembered as sound
        with pytest.raises(RunError, match="aic-sessions:adminPassword"):
            base.require_sound_config()
    assert len(calls) == 1  # the wrapper appends only after a check that passed


def test_a_value_set_in_the_running_configuration_is_checked_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A change made in place (the SDK's `set_config`, as test mocks do) is seen too."""
    from contextvars import ContextVar

    from pulumi.runtime import config as runtime_config

    monkeypatch.setattr(base, "_SOUND_CONFIGS", set())
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps({"aic-sessions:environment": "dev"}))
    monkeypatch.setenv("PULUMI_CONFIG_SECRET_KEYS", "[]")
    running: ContextVar[dict[str, object]] = ContextVar("config")
    running.set({})
    monkeypatch.setattr(runtime_config, "CONFIG", running)
    base.require_sound_config()
    runtime_config.set_config("aic-sessions:adminPassword", "x")
    with pytest.raises(RunError, match="aic-sessions:adminPassword"):
        base.require_sound_config()


def test_half_a_credential_pair_is_a_problem_only_without_complete_credentials() -> None:
    [(key, reason)] = connection._half_credentials({"saId": "sa"})
    assert key == "aic-sessions:saId" and "pulumi config set --secret aic-sessions:saJwk" in reason
    [(_, id_missing)] = connection._half_credentials({"adminPassword": "p"})
    assert "pulumi config set aic-sessions:adminUsername" in id_missing  # an id: no --secret
    # Another complete credential signs in: the stray half is not fatal.
    admin = {"saId": "sa", "adminUsername": "amadmin", "adminPassword": "p"}
    assert connection._half_credentials(admin) == []
    assert connection._half_credentials({"saJwk": "{}", "accessToken": "t"}) == []


def test_the_settings_name_where_their_credentials_were_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A refusal of the credentials names their place (names, never values): the stack's keys
    replace the environment's, and the environment's variables are named otherwise."""
    for variable in ("AIC_SA_ID", "AIC_SA_JWK", "AIC_SA_JWK_FILE", "FRODO_SA_ID", "FRODO_SA_JWK"):
        monkeypatch.delenv(variable, raising=False)  # the admin pair is the one signed in with
    monkeypatch.setenv("AM_ADMIN_USERNAME", "env-admin")
    monkeypatch.setenv("AM_ADMIN_PASSWORD", "env-password-1")
    url = "https://tenant.example.com/am"
    from_env = connection.settings_for(url, {})
    assert from_env.credentials_from == "AM_ADMIN_USERNAME and AM_ADMIN_PASSWORD"
    stack = {"adminUsername": "stack-admin", "adminPassword": "stack-password-1"}
    from_stack = connection.settings_for(url, stack)
    assert from_stack.credentials_from == (
        "the stack's aic-sessions:adminUsername and aic-sessions:adminPassword"
    )
    both = {**stack, "accessToken": "a-pre-issued-token-01"}  # the admin pair is used first
    assert connection.settings_for(url, both).credentials_from == from_stack.credentials_from
    assert "password-1" not in repr(from_stack) + repr(from_env)


def test_half_a_credential_pair_in_the_environment_is_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from aic_sessions.client.errors import MissingCredentialsError

    for variable in (
        "AIC_SA_ID",
        "AIC_SA_JWK",
        "AIC_SA_JWK_FILE",
        "FRODO_SA_ID",
        "FRODO_SA_JWK",
        "AM_ADMIN_PASSWORD",
        "AIC_ACCESS_TOKEN",
    ):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("AM_ADMIN_USERNAME", "amadmin")
    with pytest.raises(MissingCredentialsError) as refused:
        connection.settings_for("https://tenant.example.com/am", {})
    assert "AM_ADMIN_USERNAME is set without AM_ADMIN_PASSWORD." in str(refused.value)


def test_a_malformed_service_account_key_is_named_by_its_key_at_preview_and_at_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`aic-sessions:saJwk` that is no private RSA JWK: `check` (preview) names the key and
    the command that sets it; the client's refusal (up) names it too, not an internal field
    path, and the environment's variable when it came from there; no value is quoted."""
    from aic_sessions.client.errors import ConfigurationError

    bad = "not-a-jwk-1234"
    monkeypatch.setattr(connection, "current", lambda: _Config({"saId": "sa", "saJwk": bad}))
    [(key, reason)] = connection.config_problems()
    assert key == "aic-sessions:saJwk" and "is not JSON" in reason
    assert "pulumi config set --secret aic-sessions:saJwk < sa.jwk" in reason and bad not in reason

    url = "https://tenant.example.com/am"
    with pytest.raises(ConfigurationError) as from_stack:
        connection.settings_for(url, {"saId": "sa", "saJwk": bad})
    assert "the stack's aic-sessions:saJwk: is not JSON" in str(from_stack.value)
    assert "auth.service_account" not in str(from_stack.value) and bad not in str(from_stack.value)
    for variable in ("AM_ADMIN_USERNAME", "AM_ADMIN_PASSWORD", "AIC_SA_JWK_FILE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("AIC_SA_ID", "sa")
    monkeypatch.setenv("AIC_SA_JWK", '{"kty": "EC"}')
    with pytest.raises(ConfigurationError) as from_env:
        connection.settings_for(url, {})
    assert "AIC_SA_JWK: must be an RSA private JWK" in str(from_env.value)

    # JSON of the right kind with nonsense members: named at preview too, by where it was set.
    nonsense = '{"kty": "RSA", "n": "abc", "e": "AQAB", "d": "xyz"}'
    monkeypatch.setenv("AIC_SA_JWK", nonsense)
    monkeypatch.setattr(connection, "current", lambda: _Config({}))
    [(key, reason)] = connection.config_problems()
    assert key == "AIC_SA_JWK" and "is no usable RSA private JWK ('n', 'd':" in reason
    monkeypatch.setattr(connection, "current", lambda: _Config({"saId": "sa", "saJwk": nonsense}))
    [(key, _)] = connection.config_problems()
    assert key == "aic-sessions:saJwk"


class _Config:
    """A deployment whose stack configuration is `values` (what `config_problems` reads)."""

    def __init__(self, values: dict[str, str]) -> None:
        self.values = values

    def stack_config(self) -> dict[str, str]:
        return self.values
