"""Connection settings: environment precedence, validation messages, and no secret in sight."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aic_sessions.client import (
    AdminAuth,
    BearerAuth,
    ConfigurationError,
    ConnectionSettings,
    ServiceAccountAuth,
)
from aic_sessions.client.settings import RetryBudget

from tests.client.keys import private_jwk

BASE = "https://tenant.example.com/am"


def test_service_account_from_aic_variables_wins_over_frodo() -> None:
    env = {
        "AIC_BASE_URL": BASE + "/",
        "AIC_SA_ID": "sa-aic",
        "AIC_SA_JWK": private_jwk(),
        "FRODO_HOST": "https://other/am",
        "FRODO_SA_ID": "sa-frodo",
        "FRODO_SA_JWK": private_jwk(),
    }
    settings = ConnectionSettings.from_env(env)
    assert settings.base_url == BASE
    assert isinstance(settings.auth, ServiceAccountAuth)
    assert settings.auth.account_id == "sa-aic"


def test_frodo_variables_are_understood() -> None:
    env = {"FRODO_HOST": BASE, "FRODO_SA_ID": "sa-frodo", "FRODO_SA_JWK": private_jwk()}
    settings = ConnectionSettings.from_env(env)
    assert isinstance(settings.auth, ServiceAccountAuth)
    assert settings.auth.account_id == "sa-frodo"


def test_jwk_file(tmp_path: Path) -> None:
    path = tmp_path / "sa.jwk"
    path.write_text(private_jwk())
    settings = ConnectionSettings.from_env(
        {"AIC_BASE_URL": BASE, "AIC_SA_ID": "sa", "AIC_SA_JWK_FILE": str(path)}
    )
    assert settings.auth.jwk()["kty"] == "RSA"  # type: ignore[union-attr]


def test_missing_jwk_file_is_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.jwk"
    with pytest.raises(ConfigurationError, match="Cannot read AIC_SA_JWK_FILE"):
        ConnectionSettings.from_env(
            {"AIC_BASE_URL": BASE, "AIC_SA_ID": "sa", "AIC_SA_JWK_FILE": str(missing)}
        )


def test_admin_then_bearer() -> None:
    admin = ConnectionSettings.from_env(
        {"AIC_BASE_URL": BASE, "AM_ADMIN_USERNAME": "amadmin", "AM_ADMIN_PASSWORD": "pw"}
    )
    assert isinstance(admin.auth, AdminAuth)
    bearer = ConnectionSettings.from_env({"AIC_BASE_URL": BASE, "AIC_ACCESS_TOKEN": "tok"})
    assert isinstance(bearer.auth, BearerAuth)


def test_explicit_values_override_environment() -> None:
    settings = ConnectionSettings.from_env(
        {"AIC_BASE_URL": "https://env/am", "AIC_ACCESS_TOKEN": "tok"},
        base_url=BASE,
        timeouts={"deadline": 5},
    )
    assert settings.base_url == BASE
    assert settings.timeouts.deadline == 5


def test_read_timeout_from_the_environment() -> None:
    env = {"AIC_BASE_URL": BASE, "AIC_ACCESS_TOKEN": "token"}
    assert ConnectionSettings.from_env(env).timeouts.read == 30.0
    assert ConnectionSettings.from_env({**env, "AIC_READ_TIMEOUT": "2.5"}).timeouts.read == 2.5
    for bad in ("0", "-1", "soon", "nan"):
        with pytest.raises(ConfigurationError, match="AIC_READ_TIMEOUT must be a number of"):
            ConnectionSettings.from_env({**env, "AIC_READ_TIMEOUT": bad})


def test_retry_backoff_cap_from_the_environment() -> None:
    env = {"AIC_BASE_URL": BASE, "AIC_ACCESS_TOKEN": "token"}
    default = ConnectionSettings.from_env(env).retries
    assert default.max_backoff == 8.0
    capped = ConnectionSettings.from_env({**env, "AIC_RETRY_MAX_BACKOFF": "0.5"}).retries
    assert capped.max_backoff == 0.5
    assert capped.max_attempts == default.max_attempts  # only the pauses are shorter
    for bad in ("-1", "soon", "nan"):
        with pytest.raises(ConfigurationError, match="AIC_RETRY_MAX_BACKOFF must be a number of"):
            ConnectionSettings.from_env({**env, "AIC_RETRY_MAX_BACKOFF": bad})
    # a flag that sets the attempts (`verify --max-attempts`) keeps the variable's cap
    flagged = ConnectionSettings.from_env(
        {**env, "AIC_RETRY_MAX_BACKOFF": "0.5"}, retries=RetryBudget(max_attempts=2)
    ).retries
    assert (flagged.max_attempts, flagged.max_backoff) == (2, 0.5)


def test_no_credentials_names_the_variables() -> None:
    with pytest.raises(ConfigurationError) as caught:
        ConnectionSettings.from_env({"AIC_BASE_URL": BASE})
    assert "AIC_SA_ID" in str(caught.value) and "AM_ADMIN_USERNAME" in str(caught.value)


def test_bad_values_name_the_setting_without_echoing_secrets() -> None:
    secret = "s3cr3t-password-value"
    with pytest.raises(ConfigurationError) as caught:
        ConnectionSettings.from_env(
            {"AM_ADMIN_USERNAME": "amadmin", "AM_ADMIN_PASSWORD": secret},
            base_url="ftp://tenant",
            timeouts={"deadline": -1},
        )
    message = str(caught.value)
    assert "base_url" in message and "timeouts.deadline" in message
    assert secret not in message


def test_a_non_rsa_jwk_is_rejected_without_echo() -> None:
    bad = json.dumps({"kty": "oct", "k": "c2VjcmV0LWtleS1tYXRlcmlhbA"})
    with pytest.raises(ConfigurationError) as caught:
        ConnectionSettings.from_env({"AIC_BASE_URL": BASE, "AIC_SA_ID": "sa", "AIC_SA_JWK": bad})
    assert "AIC_SA_JWK: must be an RSA private JWK" in str(caught.value)  # the variable, named
    assert "c2VjcmV0LWtleS1tYXRlcmlhbA" not in str(caught.value)


def test_repr_and_dump_never_show_secrets() -> None:
    jwk = private_jwk()
    d = json.loads(jwk)["d"]
    for settings in (
        ConnectionSettings.from_env({"AIC_BASE_URL": BASE, "AIC_SA_ID": "sa", "AIC_SA_JWK": jwk}),
        ConnectionSettings.from_env(
            {"AIC_BASE_URL": BASE, "AM_ADMIN_USERNAME": "u", "AM_ADMIN_PASSWORD": "pw-123456"}
        ),
    ):
        for text in (repr(settings), str(settings), settings.model_dump_json()):
            assert d not in text and "pw-123456" not in text
