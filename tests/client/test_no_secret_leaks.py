"""No secret value in logs (even at DEBUG), exception messages or reprs."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

import pytest
from aic_emulator.testing import EmulatorServer
from aic_sessions.client import (
    AdminApiError,
    AdminClient,
    AuthenticationSettingsPatch,
    ConnectionSettings,
)
from pydantic import SecretStr

from tests.client.conftest import sa_client

SIGNING_SECRET = "c2lnbmluZy1zZWNyZXQtZm9yLWxlYWstdGVzdHMtMTIzNDU2"
USER_PASSWORD = "Ch4ng3!t"


def test_service_account_flows_leak_nothing(
    aic_emulator: EmulatorServer, caplog: pytest.LogCaptureFixture
) -> None:
    _, jwk = aic_emulator.service_account
    caplog.set_level(logging.DEBUG)
    with sa_client(aic_emulator, retries={"initial_backoff": 0.01}) as client:
        aic_emulator.inject_fault(method="PUT", path="authentication", kind="status", status=503)
        client.update_authentication_settings(
            "alpha", AuthenticationSettingsPatch(shared_secret=SecretStr(SIGNING_SECRET))
        )
        token = client.authenticate_user("alpha", "demo", SecretStr(USER_PASSWORD))
        client.session_info("alpha", token, "demo")
        errors = []
        attempts: list[Callable[[], object]] = [
            lambda: client.authenticate_user("alpha", "demo", SecretStr("wrong-" + USER_PASSWORD)),
        ]
        for bad in attempts:
            with pytest.raises(AdminApiError) as caught:
                bad()
            errors.append(str(caught.value))
        texts = [caplog.text, repr(client), repr(client.settings), *errors]
        access_tokens = [v for v in client.transport.authenticator.headers().values()]  # type: ignore[union-attr]
    secrets = [SIGNING_SECRET, USER_PASSWORD, jwk["d"], jwk["p"], token.get_secret_value()]
    secrets += [h.removeprefix("Bearer ") for h in access_tokens]
    assert "PUT /json/realms/root/realms/alpha/realm-config/authentication -> 503" in caplog.text
    for text in texts:
        for secret in secrets:
            assert secret not in text


def test_admin_login_leaks_nothing(
    am_emulator: EmulatorServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    settings = ConnectionSettings.from_env(
        {
            "AIC_BASE_URL": am_emulator.base_url,
            "AM_ADMIN_USERNAME": "amadmin",
            "AM_ADMIN_PASSWORD": "Password1!",
        }
    )
    with AdminClient(settings) as client:
        client.read_authentication_settings("/")
        cookie = next(iter(client.transport.authenticator.headers().values()))  # type: ignore[union-attr]
        assert cookie.startswith(am_emulator.cookie_name + "=")
    for text in (caplog.text, repr(settings), json.dumps(settings.model_dump(mode="json"))):
        assert "Password1!" not in text
        assert cookie.split("=", 1)[1] not in text


def test_call_repr_hides_bodies_and_headers() -> None:
    from aic_sessions.client.transport import Call

    call = Call(
        "Login",
        "POST",
        "/json/authenticate",
        headers={"X-OpenAM-Password": "pw-9"},
        json={"sharedSecret": "s-9"},
        data={"assertion": "a-9"},
    )
    assert "pw-9" not in repr(call) and "s-9" not in repr(call) and "a-9" not in repr(call)
