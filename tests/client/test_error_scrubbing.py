"""A server that echoes the request: no value the request sent reaches an error
message, whether the echo is plain, JSON-escaped or HTML-escaped, long or cut.
"""

from __future__ import annotations

import json

import pytest
import requests
from aic_emulator.testing import EmulatorServer
from aic_sessions.client import AdminApiError, AuthenticationSettingsPatch
from aic_sessions.client.client import AdminClient
from aic_sessions.client.errors import (
    REDACTED,
    RequestContext,
    error_from_response,
    sent_values,
)
from pydantic import SecretStr

from tests.client.conftest import sa_client

SECRET = "c2VjcmV0LXRoYXQtYS1zZXJ2ZXItZWNob2VzLWJhY2stMDEyMzQ1Njc4OQ=="
CONTEXT = RequestContext("Updating authentication settings", "PUT", "/json/realms/x", "/alpha")


def answer(status: int, message: str) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps({"code": status, "message": message}).encode()
    return response


@pytest.mark.parametrize(
    "echo",
    [
        pytest.param(f"bad value {SECRET}", id="plain"),
        pytest.param(json.dumps({"security": {"sharedSecret": SECRET}}), id="json-body"),
        pytest.param(SECRET.replace("=", "&#61;"), id="html-escaped"),
        pytest.param("x" * 280 + SECRET, id="cut-inside-the-value"),
        pytest.param(json.dumps(json.dumps({"v": SECRET + '"q'})), id="json-escaped-twice"),
    ],
)
def test_values_the_request_sent_are_removed_from_the_message(echo: str) -> None:
    body = {"security": {"sharedSecret": SECRET + '"q'}, "other": SECRET}
    error = error_from_response(CONTEXT, answer(400, echo), sent_values(body))
    assert SECRET[:16] not in str(error)
    assert "HTTP 400" in str(error)


def test_short_values_and_protocol_fields_are_kept() -> None:
    form = {"grant_type": "client_credentials", "scope": "fr:idc:esv:*", "assertion": SECRET}
    error = error_from_response(
        CONTEXT, answer(400, f"Unsupported scope fr:idc:esv:* for CTS {SECRET}"), sent_values(form)
    )
    assert "Unsupported scope fr:idc:esv:* for CTS" in str(error)
    assert SECRET not in str(error) and REDACTED in str(error)


def test_bearer_tokens_and_query_values_are_scrubbed() -> None:
    headers = {"Authorization": "Bearer tok-0123456789abcdef"}
    error = error_from_response(
        CONTEXT,
        answer(401, "token tok-0123456789abcdef for q-value-xyz refused"),
        sent_values(headers, {"tokenId": "q-value-xyz"}),
    )
    assert "tok-0123456789abcdef" not in str(error) and "q-value-xyz" not in str(error)


def test_an_echoing_server_never_gets_the_secret_into_the_error(
    aic_emulator: EmulatorServer,
) -> None:
    """Through the real transport: the emulator's `echo` fault quotes the request body."""
    aic_emulator.inject_fault(
        method="PUT", path="/realm-config/authentication", kind="echo", status=400
    )
    client: AdminClient = sa_client(aic_emulator)
    with client, pytest.raises(AdminApiError) as raised:
        client.update_authentication_settings(
            "alpha", AuthenticationSettingsPatch(shared_secret=SecretStr(SECRET))
        )
    message = str(raised.value)
    assert "Cannot process the request" in message and REDACTED in message, message
    assert SECRET not in message and SECRET[:16] not in message
