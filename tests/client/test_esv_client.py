"""`EsvClient` against the emulator: every operation, typed errors, the shared retry rules
(a 503 is retried for reads, never for a version create), the restart wait with its timeout,
the ESV scope, and no value in logs, messages or reprs."""

from __future__ import annotations

import base64
import json
import logging
import secrets
from collections.abc import Iterator

import pytest
from aic_emulator.testing import EmulatorServer
from aic_sessions.client import (
    AdminClient,
    ConfigurationError,
    ConnectionSettings,
    EsvClient,
    EsvNotFoundError,
    PermissionDeniedError,
    RestartTimeoutError,
    ServerError,
)
from aic_sessions.client.redaction import redact_body
from pydantic import SecretStr

from tests.client.conftest import sa_client
from tests.clock import EmulatorClock
from tests.recordings import Exchange, exchanges


def value() -> SecretStr:
    return SecretStr(base64.b64encode(secrets.token_bytes(32)).decode())


@pytest.fixture
def esv(client: AdminClient, aic_emulator: EmulatorServer) -> Iterator[EsvClient]:
    esv_client = EsvClient(client.transport, clock=EmulatorClock(aic_emulator).clock)
    yield esv_client
    esv_client.close()


def test_secret_lifecycle_and_restart(esv: EsvClient, aic_emulator: EmulatorServer) -> None:
    aic_emulator.configure(restartSeconds=60)  # on the emulator's clock, moved by the waits
    created = esv.create_secret("esv-client-test", value(), "for the client test")
    assert (created.active_version, created.loaded, created.lagging) == ("1", False, True)
    assert esv.create_version("esv-client-test", value()).version == "2"
    assert [v.version for v in esv.list_versions("esv-client-test")] == ["2", "1"]
    assert esv.restart_status() == "ready"
    assert esv.restart() == "restarting"
    seen: list[str] = []
    esv.wait_until_ready(timeout=900, interval=10, progress=lambda _t, s: seen.append(s))
    assert seen[0] == "restarting" and seen[-1] == "ready"
    loaded = esv.read_secret("esv-client-test")
    assert (loaded.loaded_version, loaded.lagging) == ("2", False)
    assert esv.set_version_status("esv-client-test", "1", "DISABLED").status == "DISABLED"
    esv.set_description("esv-client-test", "renamed")
    assert [s.description for s in esv.list_secrets()] == ["renamed"]
    assert esv.delete_secret("esv-client-test").name == "esv-client-test"
    with pytest.raises(EsvNotFoundError, match=r"Reading ESV 'esv-client-test'.*HTTP 404"):
        esv.read_secret("esv-client-test")


def test_restart_wait_times_out_clearly(esv: EsvClient, aic_emulator: EmulatorServer) -> None:
    aic_emulator.configure(restartSeconds=60)
    esv.restart()
    with pytest.raises(RestartTimeoutError) as caught:
        esv.wait_until_ready(timeout=30, interval=10)
    assert "Still 'restarting'" in str(caught.value)
    assert "Run the deployment again once it is ready" in str(caught.value)


def test_reads_retry_but_version_creates_do_not(
    esv: EsvClient, aic_emulator: EmulatorServer
) -> None:
    esv.create_secret("esv-retry", value())
    aic_emulator.inject_fault(method="GET", path="esv-retry$", kind="status", status=503, count=2)
    assert esv.read_secret("esv-retry").name == "esv-retry"
    aic_emulator.inject_fault(method="POST", path="versions", kind="status", status=503, count=1)
    with pytest.raises(ServerError):
        esv.create_version("esv-retry", value())
    counts = aic_emulator.request_counts()["counts"]
    assert counts["GET /environment/secrets/esv-retry"] == 3
    assert counts["POST /environment/secrets/esv-retry/versions"] == 1
    assert esv.read_secret("esv-retry").active_version == "1"


def test_missing_esv_scope_is_permission_denied(aic_emulator: EmulatorServer) -> None:
    sa_id, private = aic_emulator.add_service_account(scopes=["fr:am:*"])
    env = {
        "AIC_BASE_URL": aic_emulator.base_url,
        "AIC_SA_ID": sa_id,
        "AIC_SA_JWK": json.dumps(private),
    }
    with (
        AdminClient(ConnectionSettings.from_env(env)) as admin,
        pytest.raises(PermissionDeniedError, match="fr:idc:esv"),
    ):
        EsvClient(admin.transport).list_secrets()


def test_admin_login_and_wrong_url_are_configuration_errors(
    am_emulator: EmulatorServer,
) -> None:
    env = {"AIC_BASE_URL": am_emulator.base_url, "AM_ADMIN_USERNAME": "amadmin"}
    env["AM_ADMIN_PASSWORD"] = "Password1!"
    with (
        AdminClient(ConnectionSettings.from_env(env)) as admin,
        pytest.raises(ConfigurationError, match="only on Advanced Identity Cloud"),
    ):
        EsvClient(admin.transport)
    with sa_client(am_emulator) as other, pytest.raises(ConfigurationError, match="ending in /am"):
        other.transport.settings = other.settings.model_copy(update={"base_url": "https://x/"})
        EsvClient(other.transport)
    assert am_emulator.request_counts()["total"] == 0


def test_no_value_in_logs_errors_or_reprs(
    esv: EsvClient, aic_emulator: EmulatorServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    secret = value()
    esv.create_secret("esv-leak", secret)
    aic_emulator.inject_fault(method="POST", path="versions", kind="status", status=500, count=1)
    with pytest.raises(ServerError) as caught:
        esv.create_version("esv-leak", secret)
    encoded = base64.b64encode(secret.get_secret_value().encode()).decode()
    for text in (caplog.text, str(caught.value), repr(esv.transport.settings)):
        assert secret.get_secret_value() not in text and encoded not in text
    assert redact_body({"valueBase64": encoded}) == {"valueBase64": "<redacted>"}


@pytest.mark.parametrize(
    "exchange",
    [e for e in exchanges("esv/") if e.status == 200 and e.response_text],
    ids=lambda e: f"{e.file.removesuffix('.har')}-{e.method}",
)
def test_every_recorded_answer_parses(exchange: Exchange) -> None:
    from aic_sessions.client.esv import EsvSecret, EsvVersion, _status

    body = exchange.json()
    if "restartStatus" in body:
        assert _status(body) in ("ready", "restarting")
    elif isinstance(body, list):
        assert all(EsvVersion.model_validate(item).version for item in body)
    elif "result" in body:
        if "/variables" not in exchange.url:
            assert all(EsvSecret.model_validate(item).name for item in body["result"])
    elif "_id" in body:
        parsed = EsvSecret.model_validate(body)
        assert parsed.lagging == (
            not body["loaded"] or body["loadedVersion"] != body["activeVersion"]
        )
    else:
        assert EsvVersion.model_validate(body).status in ("ENABLED", "DISABLED", "DESTROYED")


def test_a_secret_document_without_its_optional_fields_reads_them_as_unknown() -> None:
    """A field the API did not send (`description`, `encoding`, `useInPlaceholders`) is None
    (not observed), never a model default."""
    from aic_sessions.client.esv import EsvSecret

    bare = {"_id": "esv-x", "activeVersion": "1", "loaded": True, "loadedVersion": "1"}
    secret = EsvSecret.model_validate(bare)
    assert (secret.description, secret.encoding, secret.use_in_placeholders) == (None, None, None)
