"""Fault injection, request counts and state on the promotion endpoints, and the group from the
command line (`aic-emulator --group ...`) as a user starts it."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from aic_emulator.testing import GroupServer
from aic_sessions.client import inferred

from tests.emulator.test_promotion import api, lock, ok, promote
from tests.emulator.util import ALPHA, CONFIG, assertion, grant
from tests.values import present

STATE = "/environment/promotion/lock/state"


def test_status_latency_and_drop_faults_apply_to_promotion_calls(
    promotion_group: GroupServer,
) -> None:
    staging = promotion_group["staging"]
    staging.inject_fault(method="POST", path="/promotion/lock$", kind="status", status=429)
    refused = api(staging, "POST", "/lock", {})
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"
    assert ok(api(staging, "GET", "/lock/state"))["result"] == "unlocked"  # nothing was taken
    staging.inject_fault(method="GET", path="/promotion/promote$", kind="status", status=503)
    assert api(staging, "GET", "/promote").status_code == 503
    staging.inject_fault(method="GET", path="/lock/state", kind="latency", delayMs=50)
    started = time.monotonic()
    assert ok(api(staging, "GET", "/lock/state"))["result"] == "unlocked"
    assert time.monotonic() - started >= 0.05
    staging.inject_fault(method="GET", path="/promotion/reports", kind="drop")
    with pytest.raises(requests.ConnectionError):
        api(staging, "GET", "/reports")
    assert ok(api(staging, "GET", "/reports")) == []


def test_a_dropped_promote_answer_still_runs_the_promotion(promotion_group: GroupServer) -> None:
    """drop-after: the promotion starts, its answer is lost; the status shows what happened."""
    dev, staging = promotion_group["dev"], promotion_group["staging"]
    dev._control("PUT", "/realms/alpha/static/journeys/J", {"n": 1})
    lock(staging)
    staging.inject_fault(method="POST", path="/promotion/promote$", kind="drop-after")
    with pytest.raises(requests.ConnectionError):
        promote(staging, False)
    assert ok(api(staging, "GET", "/promote"))["status"] in inferred.PROMOTION_SUCCEEDED
    assert staging._control("GET", "/realms/alpha/static")["journeys"] == {"J": {"n": 1}}


def test_request_counts_per_tenant(promotion_group: GroupServer) -> None:
    dev, staging, prod = (promotion_group[n] for n in ("dev", "staging", "prod"))
    for tenant in (dev, staging, prod):
        tenant.clear_requests()
    lock(staging)
    promote(staging, True)
    ok(api(staging, "GET", "/promote"))
    counts = staging.request_counts()
    assert counts["counts"]["POST /environment/promotion/lock"] == 1
    assert counts["counts"]["GET /environment/promotion/lock/state"] == 1
    assert counts["counts"]["POST /environment/promotion/promote"] == 1
    assert counts["writes"] == 0  # promotion calls are not configuration writes
    assert dev.request_counts()["total"] == 0 and prod.request_counts()["total"] == 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_command_line_group_serves_each_tenant_and_keeps_state(tmp_path: Path) -> None:
    ports = {name: free_port() for name in ("dev", "uat", "stage")}
    spec = f"dev={ports['dev']},uat={ports['uat']},stage:staging={ports['stage']}"
    argv = [
        sys.executable,
        "-m",
        "aic_emulator",
        "--group",
        spec,
        "--sa-jwk-dir",
        str(tmp_path / "keys"),
        "--state-dir",
        str(tmp_path / "state"),
        "--lock-seconds",
        "0",
    ]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        roots = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
        for root in roots.values():
            wait_for(root)
        lines: dict[str, str] = {}
        while len(lines) < 3:
            line = present(proc.stdout).readline()
            if line.startswith("service account id ("):
                name, sa_id = line.split("(", 1)[1].split("): ")
                lines[name] = sa_id.strip()
        uat = roots["uat"]
        group = requests.get(f"{uat}/__emulator/group", timeout=10).json()
        assert [m["role"] for m in group["members"]] == ["development", "uat", "staging"]
        jwk = json.loads((tmp_path / "keys" / "uat.jwk").read_text())
        token = token_for(uat, lines["uat"], jwk)
        auth = {"Authorization": f"Bearer {token}"}
        put = requests.put(f"{uat}/am{ALPHA}{CONFIG}", headers=auth, json={}, timeout=10)
        assert put.status_code == inferred.IMMUTABLE_WRITE_STATUS
        assert requests.post(
            f"{uat}/environment/promotion/lock", headers=auth, json={}, timeout=10
        ).ok
        assert requests.get(f"{uat}{STATE}", headers=auth, timeout=10).json()["result"] == "locked"
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=10)
    assert proc.returncode == 0 and "aic-emulator stopped" in out
    saved = json.loads((tmp_path / "state" / "uat.json").read_text())
    assert saved["promotion"]["lock"]["state"] == "locked"


def wait_for(root: str) -> None:
    for _ in range(100):
        try:
            requests.get(f"{root}/am/json/serverinfo/*", timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.05)
    raise AssertionError(f"{root} did not start")


def token_for(root: str, sa_id: str, jwk: dict[str, str]) -> str:
    class Tenant:  # the two attributes `assertion`/`grant` read
        base_url = f"{root}/am"

    signed = assertion(Tenant, sa_id, jwk)  # type: ignore[arg-type]
    answer = grant(Tenant, signed, "fr:am:* fr:idc:promotion:*")  # type: ignore[arg-type]
    assert answer.ok, answer.text
    token: str = answer.json()["access_token"]
    return token
