"""The engine's automatic logs of a `PULUMI_HOME`, as a leak would show in them."""

from __future__ import annotations

import base64
import binascii
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

BASE64_VALUE = re.compile(rb'"([A-Za-z0-9+/]{12,}={0,2})"')
ENCRYPTED_LOG = b"PLOG"  # the engine's log encrypted by the stack's secrets manager


@dataclass
class EngineLogs:
    """The engine's automatic logs of a home: unencrypted ones as text, encrypted ones named."""

    readable: dict[str, str]
    encrypted: list[str]


def engine_logs(home: Path) -> EngineLogs:
    """Each command's log: gzip-compressed JSON lines, or (once the command loaded the stack's
    secrets manager) encrypted by it. A readable log's text gets every base64 value decoded
    beside it, since the engine logs property values as base64-encoded protobuf."""
    logs = EngineLogs({}, [])
    for path in sorted((home / "logs").glob("*.log")):
        data = path.read_bytes()
        if data.startswith(ENCRYPTED_LOG):
            logs.encrypted.append(path.name)
            continue
        if data.startswith(b"\x1f\x8b"):  # a log cut short by a kill still reads to its cut
            data = zlib.decompressobj(wbits=31).decompress(data)
        decoded = []
        for value in BASE64_VALUE.findall(data):
            try:
                decoded.append(base64.b64decode(value, validate=True))
            except binascii.Error:
                continue
        logs.readable[str(path)] = b"\n".join([data, *decoded]).decode("latin-1")
    return logs
