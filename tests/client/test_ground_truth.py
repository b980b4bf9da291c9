"""Never report what was not observed: absent sections stay unknown, writes are confirmed from
the server's answer, tokens are classified by structure on every server's forms, and API
versions are negotiated. Tokens come from the real OpenAM 16 transcripts and AIC recordings."""

from __future__ import annotations

import base64
import re

import pytest
from aic_sessions.client import AuthenticationSettings, TokenKind, classify_token
from aic_sessions.client.dialects import SESSION_ACTIONS, Dialect, Negotiator
from aic_sessions.client.errors import NotFoundError, RequestContext, UnsupportedApiVersion
from aic_sessions.client.models import unconfirmed
from aic_sessions.client.tokens import (
    auth_id_claims,
    auth_id_signed_with,
    reference_type,
)

from tests.recordings import RECORDED, exchanges

OPENAM = RECORDED / "openam-16.0.5"
CONTEXT = RequestContext("Querying", "GET", "/json/realms/root/realms/alpha/sessions", "/alpha")


def openam_header_token(transcript: str) -> str:
    """The token a transcript sent in its `iPlanetDirectoryPro` header (curl-escaped)."""
    command = (OPENAM / transcript).read_text().splitlines()[0]
    match = re.search(r"iPlanetDirectoryPro:\\ (\S+)", command)
    assert match, transcript
    return match.group(1).replace("\\", "")


def test_a_document_without_sections_invents_nothing() -> None:
    """An OpenAM document (no trees) reads as unknown sections, never as model defaults."""
    settings = AuthenticationSettings.from_api({"core": {}})
    assert settings.trees is None and settings.general is None and settings.security is None
    assert not settings.has_journey_settings
    partial = AuthenticationSettings.from_api({"trees": {}, "general": {}})
    assert partial.trees is not None and partial.trees.state_management is None
    assert partial.general is not None and partial.general.stateless_sessions is None


def test_a_write_counts_only_where_the_answer_shows_it() -> None:
    sent = {"trees": {"authenticationSessionsMaxDuration": 7}, "general": {"a": True}}
    assert unconfirmed(sent, {"general": {"a": True}}) == [
        "trees.authenticationSessionsMaxDuration"
    ]
    assert unconfirmed(sent, {"general": {"a": False}, "trees": {}}) == [
        "trees.authenticationSessionsMaxDuration",
        "general.a",
    ]
    shown = {"trees": {"authenticationSessionsMaxDuration": 7}, "general": {"a": True}}
    assert unconfirmed(sent, shown) == []
    secret = {"security": {"sharedSecret": "x"}}
    assert unconfirmed(secret, {"security": {"sharedSecret": None}}) == ["security.sharedSecret"]
    assert unconfirmed(secret, {}, frozenset({"security.sharedSecret"})) == []


def test_tokens_of_every_server_are_classified_by_structure() -> None:
    openam_server_side = openam_header_token("12a-getSessionInfo-v2.0-own-header.txt")
    openam_client_side = openam_header_token("16a-getSessionInfo-stateless-own-header.txt")
    assert classify_token(openam_server_side) is TokenKind.SERVER_SIDE
    assert reference_type(openam_server_side) is None, "OpenAM writes no type field"
    assert classify_token(openam_client_side) is TokenKind.CLIENT_SIDE
    aic = [e.json()["tokenId"] for e in exchanges("aic-end-user") if '"tokenId"' in e.response_text]
    assert aic and all(classify_token(t) is TokenKind.SERVER_SIDE for t in aic)
    assert {reference_type(t) for t in aic} == {"CTS"}
    assert classify_token("not-a-token") is TokenKind.UNKNOWN


def test_auth_id_claims_show_the_journey_session_reference() -> None:
    (first, *_) = [e for e in exchanges("aic-end-user-two-step") if '"authId"' in e.response_text]
    claims = auth_id_claims(first.json()["authId"])
    assert claims is not None
    assert reference_type(claims["sessionId"]) == "CTS_AUTH"
    command = (OPENAM / "03d-authenticate-start-callbacks.txt").read_text()
    openam_auth_id = re.search(r'"authId":"([^"]+)"', command)
    assert openam_auth_id
    openam_claims = auth_id_claims(openam_auth_id.group(1))
    assert openam_claims is not None
    assert classify_token(openam_claims["sessionId"]) is TokenKind.SERVER_SIDE


def test_auth_id_signature_uses_the_decoded_secret() -> None:
    import hashlib
    import hmac
    import json

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).decode().rstrip("=")

    secret = base64.b64encode(b"k" * 32).decode()
    head, body = b64(b'{"alg":"HS256","typ":"JWT"}'), b64(json.dumps({"a": 1}).encode())
    good = hmac.new(b"k" * 32, f"{head}.{body}".encode(), hashlib.sha256).digest()
    hashed = hmac.new(
        hashlib.sha256(secret.encode()).digest(), f"{head}.{body}".encode(), hashlib.sha256
    ).digest()
    assert auth_id_signed_with(f"{head}.{body}.{b64(good)}", secret)
    assert not auth_id_signed_with(f"{head}.{body}.{b64(hashed)}", secret)
    assert not auth_id_signed_with(
        f"{head}.{body}.{b64(good)}", base64.b64encode(b"j" * 32).decode()
    )
    assert not auth_id_signed_with("not.a.jwt", secret)


def no_route(version: str) -> NotFoundError:
    return NotFoundError(CONTEXT, "", status=404, am_message="Resource '' not found")


def test_negotiation_falls_back_and_remembers() -> None:
    tried: list[str] = []

    def send(dialect: Dialect) -> str:
        tried.append(dialect.version)
        if dialect is SESSION_ACTIONS[0]:
            raise no_route(dialect.version)
        return "answered"

    negotiator = Negotiator()
    assert negotiator.call("session-actions", send) == "answered"
    assert negotiator.call("session-actions", send) == "answered"
    assert tried == [SESSION_ACTIONS[0].version, SESSION_ACTIONS[1].version] * 1 + [
        SESSION_ACTIONS[1].version
    ]
    assert negotiator.chosen("session-actions") is SESSION_ACTIONS[1]


def test_negotiation_keeps_other_404s_and_names_an_unsupported_server() -> None:
    def realm_missing(_: Dialect) -> str:
        raise NotFoundError(CONTEXT, "", status=404, am_message='Realm "/x" not found')

    with pytest.raises(NotFoundError) as caught:
        Negotiator().call("session-query", realm_missing)
    assert not isinstance(caught.value, UnsupportedApiVersion)

    def never(dialect: Dialect) -> str:
        raise no_route(dialect.version)

    with pytest.raises(UnsupportedApiVersion) as unsupported:
        Negotiator().call("session-query", never)
    assert "resource=5.1" in str(unsupported.value) and "resource=2.0" in str(unsupported.value)
