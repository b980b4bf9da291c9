"""The client's models parse every recorded AM and AIC response."""

from __future__ import annotations

import pytest
from aic_sessions.client import (
    AuthenticationSettings,
    SecretForm,
    SessionInfo,
    TokenKind,
    classify_token,
)
from aic_sessions.client.models import SecuritySection

from tests.recordings import Exchange, exchanges
from tests.values import present

SETTINGS = [e for e in exchanges() if e.url.endswith("/realm-config/authentication")]


@pytest.mark.parametrize("exchange", SETTINGS, ids=lambda e: e.file)
def test_realm_settings_parse(exchange: Exchange) -> None:
    settings = AuthenticationSettings.from_api(exchange.json(), exchange.response_headers["etag"])
    assert present(settings.trees).state_management == "JWT"
    assert present(settings.trees).max_duration == 5
    assert present(settings.general).stateless_sessions is False
    assert settings.etag == exchange.response_headers["etag"]
    # Unknown attributes are kept, so nothing of the document is lost.
    assert settings.model_dump(by_alias=True)["core"] == exchange.json()["core"]


def test_secret_forms_from_recordings() -> None:
    forms = {
        e.file: present(AuthenticationSettings.from_api(e.json()).security).secret_form()[0]
        for e in SETTINGS
    }
    assert forms == {
        "aic-read-realm-authentication-settings.har": SecretForm.TENANT_GENERATED,
        "am-read-realm-authentication-settings.har": SecretForm.HIDDEN,
    }


def test_esv_reference_form() -> None:
    section = SecuritySection.model_validate({"sharedSecret": {"$string": "&{esv.am.signing}"}})
    assert section.secret_form() == (SecretForm.ESV_REFERENCE, "&{esv.am.signing}")


def test_global_settings_parse() -> None:
    [exchange] = exchanges("am-read-global")
    body = exchange.json()
    settings = AuthenticationSettings.from_api(body["defaults"])
    assert present(settings.trees).state_management in {"JWT", "CTS"}


def test_session_info_parses() -> None:
    [exchange] = [e for e in exchanges() if "getSessionInfo" in e.url]
    info = SessionInfo.model_validate(exchange.json())
    assert (info.username, info.realm) == ("amadmin", "/")


@pytest.mark.parametrize(
    "exchange", [e for e in exchanges() if '"tokenId"' in e.response_text], ids=lambda e: e.url
)
def test_recorded_tokens_are_server_side_references(exchange: Exchange) -> None:
    assert classify_token(exchange.json()["tokenId"]) is TokenKind.SERVER_SIDE


def test_client_side_token_is_recognised() -> None:
    jwt_part = "eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJkZW1vIn0.c2ln"
    assert classify_token(f"AQIC5w.*AAJTSQACMDE.*{jwt_part}") is TokenKind.CLIENT_SIDE
    assert classify_token("not-a-token") is TokenKind.UNKNOWN
