"""The leak scan's reading of the engine's logs can fail: it finds a secret in every form the
engine logs one (no engine needed)."""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path

from tests.reliability.engine_logs import ENCRYPTED_LOG, engine_logs


def test_the_engine_log_scan_sees_a_secret_in_any_form_it_is_logged(tmp_path: Path) -> None:
    """A secret in a plain log argument, inside a base64-encoded property value, or in a log cut
    short, is in the text `engine_logs` gives the leak scan; an encrypted log is only named."""
    secret = "c2Nhbi1tZS1pZi15b3UtY2Fu"
    (tmp_path / "logs").mkdir()
    arguments = {
        "plain": {"msg": "%s", "pulumi.log.arg0": secret},
        "property": {
            "msg": "%v",
            "pulumi.log.arg0": base64.b64encode(b"\x12\x18" + secret.encode()),
        },
    }
    for name, line in arguments.items():
        text = json.dumps(line, default=bytes.decode).encode()
        (tmp_path / "logs" / f"pulumi-20261203T000000-1-{name}.log").write_bytes(
            gzip.compress(text)
        )
    cut = gzip.compress(json.dumps({"msg": secret, "padding": "x" * 400}).encode())
    (tmp_path / "logs" / "pulumi-20261203T000000-2-cut.log").write_bytes(cut[: len(cut) - 12])
    (tmp_path / "logs" / "organization+p+s-20261203T000000.log").write_bytes(ENCRYPTED_LOG + b"..")

    logs = engine_logs(tmp_path)

    assert logs.encrypted == ["organization+p+s-20261203T000000.log"]
    assert len(logs.readable) == 3
    assert all(secret in text for text in logs.readable.values()), logs.readable
