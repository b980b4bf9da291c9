"""Every recorded request of the AIC ESV secrets and startup APIs, replayed against the
emulator, gets an answer of the recorded shape: status, media type (the 2024 recordings add
`; charset=UTF-8`, the 2026 ones do not; the emulator answers like the latter), no
Content-API-Version or ETag, and the same JSON keys and value types.

The recordings were made against a tenant that already held the secrets they read; before
each replay, the emulator is given the state the recording's URL implies (the secret, enough
versions, a restart in progress), through the API itself.
"""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest
import requests
from aic_emulator.testing import EmulatorServer

from tests.emulator.test_recordings import same_shape
from tests.emulator.util import sa_headers
from tests.recordings import Exchange, exchanges

ESV_EXCHANGES = exchanges("esv/")
API = "protocol=1.0,resource=1.0"


def tenant_path(url: str) -> str:
    """`https://host/environment/secrets/x?y` -> `/environment/secrets/x?y`."""
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def esv_headers(emu: EmulatorServer) -> dict[str, str]:
    bearer = sa_headers(emu, "fr:am:* fr:idc:esv:*")["Authorization"]
    return {"Authorization": bearer, "Accept-API-Version": API, "Content-Type": "application/json"}


def seed_for(emu: EmulatorServer, exchange: Exchange, hdrs: dict[str, str]) -> None:
    """Create what the recorded request found on the tenant (nothing when it answered 404)."""
    path = tenant_path(exchange.url)
    if exchange.status == 404:
        return
    if path.startswith("/environment/startup") and "restarting" in exchange.response_text:
        if exchange.method == "GET":  # the recording was taken during a restart
            emu.configure(restartSeconds=600)
            post(emu, "/environment/startup?_action=restart", hdrs, None)
        return
    match = re.match(r"^/environment/secrets/([^/?]+)(?:/versions/(\d+))?", path)
    if match is None or exchange.method == "PUT":
        return
    value = base64.b64encode(b"seeded by the replay test").decode()
    sid, number = match.group(1), int(match.group(2) or 1)
    requests.put(
        emu.root_url + f"/environment/secrets/{sid}",
        json={"valueBase64": value},
        headers=hdrs,
        timeout=10,
    ).raise_for_status()
    for _ in range(number):  # one more than needed, so a version can be disabled or deleted
        post(
            emu, f"/environment/secrets/{sid}/versions?_action=create", hdrs, {"valueBase64": value}
        )


def media_type(value: str | None) -> str | None:
    return value.split(";")[0].strip() if value else None


def post(emu: EmulatorServer, path: str, hdrs: dict[str, str], body: Any) -> None:
    requests.post(emu.root_url + path, json=body, headers=hdrs, timeout=10).raise_for_status()


def test_every_esv_and_startup_file_is_replayed() -> None:
    """Guards against the replay silently testing fewer recordings than exist."""
    files = {exchange.file for exchange in ESV_EXCHANGES}
    assert len(files) >= 22 and len(ESV_EXCHANGES) >= 25


@pytest.mark.parametrize(
    "exchange",
    ESV_EXCHANGES,
    ids=[f"{e.file.removesuffix('.har')}-{e.method}-{i}" for i, e in enumerate(ESV_EXCHANGES)],
)
def test_replay_has_recorded_shape(exchange: Exchange, aic_emulator: EmulatorServer) -> None:
    hdrs = esv_headers(aic_emulator)
    seed_for(aic_emulator, exchange, hdrs)
    answer = requests.request(
        exchange.method,
        aic_emulator.root_url + tenant_path(exchange.url),
        headers=hdrs,
        data=exchange.request_body
        if exchange.request_body is not None
        else ("null" if exchange.method == "POST" else None),
        timeout=10,
    )
    assert answer.status_code == exchange.status, answer.text
    recorded_type = exchange.response_headers.get("content-type")
    assert media_type(answer.headers.get("Content-Type")) == media_type(recorded_type)
    assert "Content-API-Version" not in answer.headers and "ETag" not in answer.headers
    if exchange.response_text:
        assert same_shape(exchange.json(), answer.json()) == []
        assert "valueBase64" not in answer.text  # values are write-only
    else:
        assert answer.content == b""
