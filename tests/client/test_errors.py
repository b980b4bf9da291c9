"""Every status and every transport failure maps to a typed error with a useful message."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from aic_emulator.testing import EmulatorServer
from aic_sessions.client import AdminClient, ConnectionSettings, errors
from aic_sessions.client.errors import (
    AdminApiError,
    AuthenticationError,
    InvalidRequestError,
    RateLimitedError,
    RequestContext,
    describe_transport,
    error_from_response,
    parse_retry_after,
)

CONTEXT = RequestContext("Updating authentication settings", "PUT", "/json/realms/x", "/alpha")


def _response(
    status: int, body: dict[str, Any] | None = None, headers: dict[str, str] | None = None
) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps(body or {}).encode()
    response.headers.update(headers or {})
    return response


@pytest.mark.parametrize("status", [*range(400, 432), *range(500, 512)])
def test_every_error_status_is_mapped(status: int) -> None:
    error = error_from_response(CONTEXT, _response(status))
    assert isinstance(error, AdminApiError)
    assert str(status) in str(error)
    assert "Updating authentication settings in realm '/alpha' (PUT /json/realms/x)" in str(error)


def test_specific_classes() -> None:
    expected = {
        400: errors.InvalidRequestError,
        401: errors.AuthenticationError,
        403: errors.PermissionDeniedError,
        404: errors.NotFoundError,
        409: errors.ConflictError,
        429: errors.RateLimitedError,
        503: errors.ServerError,
    }
    for status, cls in expected.items():
        assert type(error_from_response(CONTEXT, _response(status))) is cls


def test_am_message_and_valid_attributes_are_shown() -> None:
    body = {
        "code": 400,
        "reason": "Bad Request",
        "message": "Invalid attribute specified.",
        "detail": {"validAttributes": ["statelessSessionsEnabled", "sharedSecret"]},
    }
    error = error_from_response(CONTEXT, _response(400, body))
    assert isinstance(error, InvalidRequestError)
    assert error.valid_attributes == ["statelessSessionsEnabled", "sharedSecret"]
    assert "Invalid attribute specified." in str(error)
    assert "Fix the value" in str(error)


def test_aic_root_realm_refusal_names_the_realms_to_use_not_a_scope() -> None:
    # AIC's answer to realm configuration under the root realm (docs/ground-truth.md).
    body = {
        "code": 403,
        "reason": "Forbidden",
        "message": "This operation is not available in PingOne Advanced Identity Cloud.",
    }
    error = error_from_response(CONTEXT, _response(403, body))
    assert type(error) is errors.NotAvailableInCloudError
    assert "Use alpha or bravo" in str(error) and "scope" not in str(error)
    assert ".." not in str(error)
    assert type(error_from_response(CONTEXT, _response(403))) is errors.PermissionDeniedError


def test_oauth_error_body() -> None:
    body = {"error": "invalid_scope", "error_description": "Unsupported scope for service account"}
    error = error_from_response(CONTEXT, _response(400, body))
    assert "invalid_scope: Unsupported scope for service account" in str(error)


def test_retry_after_forms() -> None:
    error = error_from_response(CONTEXT, _response(429, headers={"Retry-After": "3"}))
    assert isinstance(error, RateLimitedError) and error.retry_after == 3
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0
    assert parse_retry_after("soon") is None


def test_only_gateway_errors_are_retryable() -> None:
    retryable = {s for s in range(500, 512) if error_from_response(CONTEXT, _response(s)).retryable}
    assert retryable == {502, 503, 504}


@pytest.mark.parametrize(
    "exc",
    [
        requests.exceptions.SSLError(),
        requests.exceptions.ConnectTimeout(),
        requests.exceptions.ReadTimeout(),
        requests.exceptions.ConnectionError(),
        requests.exceptions.ChunkedEncodingError(),
        requests.exceptions.InvalidURL(),
    ],
)
def test_every_requests_exception_is_described(exc: requests.RequestException) -> None:
    message = describe_transport(exc, "https://tenant.example.com/am/json/x")
    assert message.endswith(".")
    assert "https://tenant.example.com/am/json/x" in message


def test_missing_scope_is_a_permission_error() -> None:
    body = {
        "error": "invalid_scope",
        "error_description": "Unsupported scope for service account: fr:am:*",
    }
    error = error_from_response(CONTEXT, _response(400, body))
    assert isinstance(error, errors.PermissionDeniedError)
    assert "Grant the identity the needed scope" in str(error)
    assert "  " not in str(error)


@pytest.mark.parametrize("error", ["invalid_grant", "invalid_client", "unauthorized_client"])
def test_refused_assertion_is_an_authentication_error(error: str) -> None:
    """A service-account key that is not the account's (400 invalid_grant) is an
    AuthenticationError, not a request error pointing at a value it does not name."""
    body = {"error": error, "error_description": "JWT is not valid: Signature verification failed"}
    refused = error_from_response(CONTEXT, _response(400, body))
    assert isinstance(refused, errors.AuthenticationError)
    assert "Check the credentials" in str(refused)
    assert "Fix the value named above" not in str(refused)


def test_a_redirect_is_an_error_naming_the_target() -> None:
    error = error_from_response(CONTEXT, _response(302, headers={"Location": "https://t/am/"}))
    assert isinstance(error, errors.RedirectedError)
    assert "redirected to https://t/am/" in str(error) and "Set the base URL" in str(error)


def test_a_malformed_service_account_key_is_an_authentication_error(
    aic_emulator: EmulatorServer,
) -> None:
    """A JWK of the right shape whose private part PyJWT cannot load (a private exponent that
    does not belong to the modulus) is an AuthenticationError with its message, not a traceback
    from every resource. (A member too short is refused earlier, by the settings.)"""
    import base64
    import os

    sa_id, jwk = aic_emulator.service_account
    stranger = base64.urlsafe_b64encode(os.urandom(256)).decode().rstrip("=")
    env = {
        "AIC_BASE_URL": aic_emulator.base_url,
        "AIC_SA_ID": sa_id,
        "AIC_SA_JWK": json.dumps(
            {k: v for k, v in jwk.items() if k in ("kty", "n", "e")} | {"d": stranger}
        ),
    }
    expected = "could not be used as an RS256 private key"
    with (
        AdminClient(ConnectionSettings.from_env(env)) as client,
        pytest.raises(AuthenticationError, match=expected),
    ):
        client.read_authentication_settings("alpha")
