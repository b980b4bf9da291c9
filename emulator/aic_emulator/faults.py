"""Injected faults: make the next N matching requests fail or be slow.

A fault spec (JSON of `POST /__emulator/faults`)::

    {"method": "PUT" | "*", "path": "<regex searched in the request path>",
     "kind": "status" | "latency" | "drop" | "drop-after" | "slow-answer" | "slow" | "echo"
             | "stale-answer" | "ignored-write",
     "status": 429 | 500 | 502 | 503, "count": N, "retryAfter": s, "delayMs": ms}

- status: answer `status` with an AM-shaped body (429 also carries `Retry-After`).
- latency: sleep `delayMs`, then serve the request normally.
- drop: close the connection without answering.
- drop-after: serve the request (a write is applied), then close the connection instead of
  sending the answer: the client cannot know whether its write landed.
- slow-answer: serve the request (a write is applied), then wait `delayMs` before answering:
  a window in which the server has the write and the client does not know it yet.
- slow: sleep `delayMs` before answering (normally; meant to exceed a client's timeout).
- stale-answer: apply a PUT of a realm's configuration, but answer with the document as it was
  before the write (the real OpenAM 16 once answered a Session-service PUT so): the answer does
  not show a write the server has.
- ignored-write: answer a PUT of a realm's configuration with success and the document as it
  is, without applying it (a server that accepts a write and keeps its values).
- echo: answer `status` with an AM-shaped body whose message quotes the request's query string
  and body, as a careless server or proxy does (tests that the client never repeats them).
Each matching request uses up one of `count` (default 1); faults are checked in order.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

from aic_emulator.errors import BadRequest

KINDS = (
    "status",
    "latency",
    "drop",
    "drop-after",
    "slow-answer",
    "slow",
    "echo",
    "stale-answer",
    "ignored-write",
)


@dataclass
class Fault:
    method: str
    path: re.Pattern[str]
    kind: str
    status: int
    remaining: int
    retry_after: int | None
    delay_ms: int

    def matches(self, method: str, path: str) -> bool:
        return self.method in ("*", method) and self.path.search(path) is not None


def parse_fault(spec: Any) -> Fault:
    """Build a Fault from its JSON spec (400 on a bad spec)."""
    if not isinstance(spec, dict) or spec.get("kind") not in KINDS:
        raise BadRequest(f"A fault needs a JSON object with kind in {list(KINDS)}")
    try:
        pattern = re.compile(str(spec.get("path", ".*")))
    except re.error as exc:
        raise BadRequest(f"Invalid path regex: {exc}") from exc
    return Fault(
        method=str(spec.get("method", "*")).upper(),
        path=pattern,
        kind=spec["kind"],
        status=_int(spec, "status", 503),
        remaining=_int(spec, "count", 1),
        retry_after=_int(spec, "retryAfter", 1) if "retryAfter" in spec else None,
        delay_ms=_int(spec, "delayMs", 0),
    )


def _int(spec: dict[str, Any], key: str, default: int) -> int:
    value = spec.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise BadRequest(f"Fault field '{key}' must be an integer >= 0")
    return value


class FaultRegistry:
    """Thread-safe list of active faults."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, method: str, path: str) -> Fault | None:
        """The first active fault matching the request, using up one of its count."""
        with self._lock:
            for fault in self._faults:
                if fault.remaining > 0 and fault.matches(method, path):
                    fault.remaining -= 1
                    return fault
            self._faults = [f for f in self._faults if f.remaining > 0]
            return None
