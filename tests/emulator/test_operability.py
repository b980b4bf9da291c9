"""Faults, request counts, reset, state file and the command line."""

from __future__ import annotations

import json
import os
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from aic_emulator.testing import EmulatorServer, start_group

from tests.emulator.util import ALPHA, CONFIG, get_settings, headers, put_settings

SERVERINFO = "/json/serverinfo/*"


def test_status_fault_with_retry_after(aic_emulator: EmulatorServer) -> None:
    aic_emulator.inject_fault(
        method="GET", path="serverinfo", kind="status", status=429, count=2, retryAfter=3
    )
    url = aic_emulator.base_url + SERVERINFO
    for _ in range(2):
        answer = requests.get(url, timeout=10)
        assert answer.status_code == 429 and answer.headers["Retry-After"] == "3"
        assert answer.json()["code"] == 429
    assert requests.get(url, timeout=10).status_code == 200
    aic_emulator.inject_fault(method="*", path="serverinfo", kind="status", status=502)
    assert requests.get(url, timeout=10).status_code == 502


def test_latency_and_slow_faults(aic_emulator: EmulatorServer) -> None:
    url = aic_emulator.base_url + SERVERINFO
    aic_emulator.inject_fault(path="serverinfo", kind="latency", delayMs=300)
    started = time.monotonic()
    assert requests.get(url, timeout=10).status_code == 200
    assert time.monotonic() - started >= 0.3
    aic_emulator.inject_fault(path="serverinfo", kind="slow", delayMs=1500)
    with pytest.raises(requests.Timeout):
        requests.get(url, timeout=0.3)


def test_drop_fault_and_clear(aic_emulator: EmulatorServer) -> None:
    url = aic_emulator.base_url + SERVERINFO
    aic_emulator.inject_fault(path="serverinfo", kind="drop", count=5)
    with pytest.raises(requests.ConnectionError):
        requests.get(url, timeout=5)
    aic_emulator.clear_faults()
    assert requests.get(url, timeout=10).status_code == 200


def test_request_counts_and_writes(aic_emulator: EmulatorServer) -> None:
    hdrs = headers(aic_emulator)
    aic_emulator.clear_requests()
    get_settings(aic_emulator, hdrs)
    put_settings(aic_emulator, hdrs, {"defaultAuthLevel": 2})
    counts = aic_emulator.request_counts()
    key = f"GET /am{ALPHA}{CONFIG}"
    assert counts["counts"] == {key: 1, f"PUT /am{ALPHA}{CONFIG}": 1}
    assert counts["total"] == 2 and counts["writes"] == 1
    aic_emulator.clear_requests()
    assert aic_emulator.request_counts()["total"] == 0


def test_reset_restores_the_seeded_state(aic_emulator: EmulatorServer) -> None:
    hdrs = headers(aic_emulator)
    put_settings(aic_emulator, hdrs, {"defaultAuthLevel": 3})
    aic_emulator.inject_fault(path="never", kind="drop")
    aic_emulator.reset()
    assert (
        get_settings(aic_emulator, headers(aic_emulator)).json()["general"]["defaultAuthLevel"] == 0
    )


def test_a_snapshot_outlives_reset_and_restores_the_state_without_faults_or_counts(
    aic_emulator: EmulatorServer,
) -> None:
    hdrs = headers(aic_emulator)
    put_settings(aic_emulator, hdrs, {"defaultAuthLevel": 3})
    aic_emulator.save_snapshot("three")
    put_settings(aic_emulator, hdrs, {"defaultAuthLevel": 4})
    aic_emulator.reset()
    aic_emulator.inject_fault(path="realm-config", kind="drop")
    requests.get(aic_emulator.base_url + SERVERINFO, timeout=10)
    assert aic_emulator.request_counts()["total"] == 1

    aic_emulator.restore_snapshot("three")
    assert aic_emulator.request_counts()["total"] == 0
    answer = get_settings(aic_emulator, headers(aic_emulator))  # the fault was cleared
    assert answer.json()["general"]["defaultAuthLevel"] == 3
    url = f"{aic_emulator.root_url}/__emulator/snapshots"
    unknown = requests.post(f"{url}/nothing/restore", timeout=10)
    assert unknown.status_code == 400 and "no snapshot named 'nothing'" in unknown.text
    assert requests.post(url, json={"name": ""}, timeout=10).status_code == 400


def test_bad_control_requests_are_400(aic_emulator: EmulatorServer) -> None:
    url = f"{aic_emulator.root_url}/__emulator/faults"
    assert requests.post(url, json={"kind": "explode"}, timeout=10).status_code == 400
    assert requests.post(url, data="{", timeout=10).status_code == 400


def test_a_group_started_twice_stops_with_no_thread_left() -> None:
    """`with start_group()` starts its servers twice; each still serves from one thread, and
    `stop` ends every thread it started."""
    before = set(threading.enumerate())
    with start_group() as group:
        assert requests.get(group["dev"].base_url + SERVERINFO, timeout=10).status_code == 200
    left = [t for t in threading.enumerate() if t not in before and t.is_alive()]
    assert not left, f"threads still running after stop: {left}"


def test_state_file_round_trip(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with EmulatorServer(flavour="am", state_file=state) as emu:
        put_settings(
            emu,
            headers(emu),
            {"authenticationSessionsMaxDuration": 42, "sharedSecret": "persisted-secret-123"},
        )
        digest = emu.secret_digest("alpha")
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
    with EmulatorServer(flavour="am", state_file=state) as emu:
        doc = get_settings(emu, headers(emu)).json()
        assert doc["trees"]["authenticationSessionsMaxDuration"] == 42
        assert emu.secret_digest("alpha") == digest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_cli_writes_jwk_0600_logs_without_secrets_and_stops_on_sigterm(tmp_path: Path) -> None:
    port, jwk_file, state = free_port(), tmp_path / "sa.jwk", tmp_path / "state.json"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aic_emulator",
            "--flavour",
            "am",
            "--port",
            str(port),
            "--sa-jwk-file",
            str(jwk_file),
            "--state-file",
            str(state),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}/am"
        for _ in range(100):
            try:
                requests.get(base + SERVERINFO, timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        requests.post(
            f"{base}/json/realms/root/authenticate",
            json={},
            timeout=5,
            headers={"X-OpenAM-Username": "amadmin", "X-OpenAM-Password": "Password1!"},
        )
    finally:
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=10)
    assert proc.returncode == 0, output
    assert stat.S_IMODE(os.stat(jwk_file).st_mode) == 0o600
    private = json.loads(jwk_file.read_text())
    assert private["kty"] == "RSA" and "d" in private
    assert "service account id:" in output
    assert "POST /am/json/realms/root/authenticate 200" in output
    assert "Password1!" not in output and private["d"] not in output
    assert state.exists()
