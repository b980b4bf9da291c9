"""Access to the real recorded AM/AIC traffic in tests/fixtures/recorded (HAR files)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RECORDED = Path(__file__).resolve().parent / "fixtures" / "recorded"


@dataclass(frozen=True)
class Exchange:
    file: str
    method: str
    url: str
    request_headers: dict[str, str]
    request_body: str | None
    status: int
    response_headers: dict[str, str]
    response_text: str

    def json(self) -> Any:
        return json.loads(self.response_text)


def exchanges(name_prefix: str = "") -> list[Exchange]:
    """Every recorded request/response pair, from files whose name starts with `name_prefix`."""
    found = []
    for path in sorted(RECORDED.glob(f"{name_prefix}*.har")):
        for entry in json.loads(path.read_text())["log"]["entries"]:
            req, resp = entry["request"], entry["response"]
            found.append(
                Exchange(
                    file=path.name,
                    method=req["method"],
                    url=req["url"],
                    request_headers={h["name"].lower(): str(h["value"]) for h in req["headers"]},
                    request_body=(req.get("postData") or {}).get("text"),
                    status=resp["status"],
                    response_headers={h["name"].lower(): str(h["value"]) for h in resp["headers"]},
                    response_text=resp["content"].get("text", ""),
                )
            )
    assert found, f"no recordings found under {RECORDED} for {name_prefix!r}"
    return found


def path_of(url: str) -> str:
    """`https://host/am/json/x?y` -> `/json/x?y` (the part after the AM base path)."""
    after_host = url.split("://", 1)[1].split("/", 1)[1]
    return "/" + after_host.split("/", 1)[1]
