"""Every request recorded against real AM 8 / AIC, replayed against the emulator of the same
flavour, gets an answer of the same shape: status, JSON keys and value types (recursively),
ETag presence, Content-API-Version and content type.

Redacted or server-specific credentials in the recordings are replaced: bearer tokens by a
fresh service-account token, session cookies by a fresh admin login, recorded tokenIds by the
ones the emulator issued earlier in the same recording; recorded users are seeded first.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import requests
from aic_emulator.testing import EmulatorServer

from tests.emulator.util import admin_headers, login, sa_headers
from tests.recordings import RECORDED

HAR_FILES = sorted(RECORDED.glob("*.har"))
RECORDED_USERS = {
    "aic": [
        ("alpha", "vscheuber@gmail.com", "Password1!"),
        ("alpha", "user@example.com", "<redacted>"),  # the two-step recording's redacted user
    ],
    "am": [("root", "amadmin", "TriVir#1")],
}
FORWARDED = {"accept-api-version", "content-type", "x-openam-username", "x-openam-password"}


def entries(path: Path) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads(path.read_text())["log"]["entries"]
    return found


def cases() -> list[Any]:
    return [
        pytest.param(path, index, id=f"{path.stem}[{index}]-{entry['request']['method']}")
        for path in HAR_FILES
        for index, entry in enumerate(entries(path))
    ]


def test_recordings_are_present() -> None:
    """Guards against the replay silently testing nothing when the recordings are missing."""
    assert len(HAR_FILES) >= 5, f"recordings not found under {RECORDED}"


def shape(value: Any) -> Any:
    """Keys and JSON types, recursively (lists by the shape of their first element)."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return ["list", shape(value[0])] if value else ["list"]
    return type(value).__name__


def same_shape(recorded: Any, answered: Any, where: str = "$") -> list[str]:
    if isinstance(recorded, dict) and isinstance(answered, dict):
        problems = (
            [f"{where}: keys differ: {sorted(set(recorded) ^ set(answered))}"]
            if set(recorded) != set(answered)
            else []
        )
        for key in set(recorded) & set(answered):
            problems += same_shape(recorded[key], answered[key], f"{where}.{key}")
        return problems
    if isinstance(recorded, list) and isinstance(answered, list):
        if recorded and answered:
            return same_shape(recorded[0], answered[0], f"{where}[0]")
        return []
    if type(recorded) is not type(answered):
        return [f"{where}: {type(recorded).__name__} != {type(answered).__name__}"]
    return []


class Replayer:
    """Replays one recording's requests with credentials swapped for the emulator's."""

    def __init__(self, emu: EmulatorServer) -> None:
        self.emu = emu
        self.tokens: dict[str, str] = {}
        for realm, username, password in RECORDED_USERS[emu.flavour]:
            emu.add_user(realm, username, password)

    def url(self, recorded: str) -> str:
        return re.sub(r"^https?://[^/]+/am", self.emu.base_url, recorded)

    def headers(self, recorded: list[dict[str, str]]) -> dict[str, str]:
        out = {h["name"]: h["value"] for h in recorded if h["name"].lower() in FORWARDED}
        names = {h["name"].lower() for h in recorded}
        if "authorization" in names:
            out["Authorization"] = sa_headers(self.emu)["Authorization"]
        if "cookie" in names:
            out["Cookie"] = f"{self.emu.cookie_name}={self.admin_token()}"
        return out

    def admin_token(self) -> str:
        """The token the recording's own admin login got, else a fresh admin login."""
        if self.tokens:
            return list(self.tokens.values())[-1]
        if self.emu.flavour == "am":
            _, username, password = RECORDED_USERS["am"][0]
            return str(login(self.emu, "/json/realms/root", username, password)["tokenId"])
        return admin_headers(self.emu)["Cookie"].split("=", 1)[1]

    def body(self, request: dict[str, Any]) -> str | None:
        text: str | None = request.get("postData", {}).get("text")
        for recorded, ours in self.tokens.items():
            text = text.replace(recorded, ours) if text else text
        return text

    def send(self, entry: dict[str, Any]) -> requests.Response:
        request = entry["request"]
        response = requests.request(
            request["method"],
            self.url(request["url"]),
            headers=self.headers(request["headers"]),
            data=self.body(request),
            timeout=10,
        )
        self.learn(entry, response)
        return response

    def learn(self, entry: dict[str, Any], response: requests.Response) -> None:
        text = entry["response"]["content"].get("text") or ""
        for key in ("tokenId", "authId"):  # an authId is signed with the realm's own secret
            if f'"{key}"' in text and response.ok:
                self.tokens[json.loads(text)[key]] = response.json()[key]


def header(entry: dict[str, Any], name: str) -> str | None:
    for item in entry["response"]["headers"]:
        if item["name"].lower() == name:
            return str(item["value"])
    return None


@pytest.mark.parametrize(("har", "index"), cases())
def test_replay_has_recorded_shape(
    har: Path, index: int, aic_emulator: EmulatorServer, am_emulator: EmulatorServer
) -> None:
    emu = aic_emulator if har.name.startswith("aic") else am_emulator
    recorded = entries(har)
    replayer = Replayer(emu)
    for earlier in recorded[:index]:
        replayer.send(earlier)
    entry = recorded[index]
    answer = replayer.send(entry)
    assert answer.status_code == entry["response"]["status"], answer.text
    assert answer.headers.get("Content-Type") == header(entry, "content-type")
    assert answer.headers.get("Content-API-Version") == header(entry, "content-api-version")
    assert ("ETag" in answer.headers) == (header(entry, "etag") is not None)
    if "json" in (header(entry, "content-type") or ""):
        expected = json.loads(entry["response"]["content"]["text"])
        assert same_shape(expected, answer.json()) == []
