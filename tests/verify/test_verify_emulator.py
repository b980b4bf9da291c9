"""`aic-sessions verify` against both emulator flavours, through click's CliRunner.

Each failure mode of the seed page's "Verify server-side authenticated sessions" section has a
test that checks the exit code, the failing checks and the likely cause they name, and that the
test session is gone afterwards.
"""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import time

import pytest

from tests.engine_cli import VENV
from tests.verify.util import REALM, Tenant, failed, isolated_env, run_verify


def test_server_side_realm_passes_and_leaves_no_session(tenant: Tenant) -> None:
    tenant.make_server_side()
    result = run_verify(tenant.env, "--realm", REALM)
    assert result.exit_code == 0, result.output
    assert "/alpha  PASSED" in result.stdout
    assert "1 of 1 realm(s) passed." in result.stdout
    assert tenant.sessions() == [], "the test session must be logged out"


def test_client_side_sessions_fail_with_the_explanation(tenant: Tenant) -> None:
    tenant.make_server_side()
    tenant.configure(stateless_sessions=True)
    result = run_verify(tenant.env, "--realm", REALM, "--json")
    assert result.exit_code == 1
    assert failed(result) == {
        "token": ["client-side-sessions-on"],
        "session-stored": ["client-side-sessions-on"],
        "client-side-sessions": ["client-side-sessions-on"],
    }
    table = run_verify(tenant.env, "--realm", REALM)
    assert table.exit_code == 1
    assert "Client-side sessions are still on" in table.stdout
    assert tenant.sessions() == []


def test_journey_sessions_on_jwt_fail_when_cts_is_intended(tenant: Tenant) -> None:
    tenant.configure(state_management="JWT", stateless_sessions=False)
    result = run_verify(tenant.env, "--realm", REALM, "--json")
    assert result.exit_code == 1
    assert failed(result) == {"journey-sessions": ["journey-sessions-not-cts"]}
    table = run_verify(tenant.env, "--realm", REALM)
    assert "Journey sessions are not on CTS" in table.stdout


def test_wrong_password_means_the_user_cannot_log_in(tenant: Tenant) -> None:
    tenant.make_server_side()
    wrong = "Wr0ng-pa55word-for-demo"
    result = run_verify({**tenant.env, "AIC_TEST_PASSWORD": wrong}, "--realm", REALM, "--json")
    assert result.exit_code == 1
    assert failed(result) == {"login": ["user-cannot-log-in"]}
    assert "HTTP 401" in result.stdout
    table = run_verify({**tenant.env, "AIC_TEST_PASSWORD": wrong}, "--realm", REALM)
    assert "The test user cannot log in" in table.stdout
    assert wrong not in result.output + table.output


def test_unknown_realm_is_explained_and_no_login_is_tried(tenant: Tenant) -> None:
    tenant.emulator.clear_requests()
    result = run_verify(tenant.env, "--realm", "charlie", "--json")
    assert result.exit_code == 1
    assert failed(result) == {
        "journey-sessions": ["wrong-realm"],
        "client-side-sessions": ["wrong-realm"],
    }
    counts = tenant.emulator.request_counts()["counts"]
    assert not any(key.endswith("/authenticate") and "charlie" in key for key in counts)
    assert "Wrong realm (HTTP 404)" in run_verify(tenant.env, "--realm", "charlie").stdout


def test_service_account_without_am_scope_is_explained(aic: Tenant) -> None:
    """A service account with only fr:idm:* gets invalid_scope when asking for fr:am:*."""
    aic.make_server_side()
    sa_id, private_jwk = aic.emulator.add_service_account(scopes=["fr:idm:*"])
    env = {**aic.env, "AIC_SA_ID": sa_id, "AIC_SA_JWK": json.dumps(private_jwk)}
    result = run_verify(env, "--realm", REALM, "--json")
    assert result.exit_code == 1
    assert failed(result) == {
        "journey-sessions": ["admin-lacks-scope"],
        "client-side-sessions": ["admin-lacks-scope"],
    }
    assert "invalid_scope" in result.stdout
    assert aic.sessions() == [], "no test session is created when the admin identity is unusable"


def test_admin_token_without_am_scope_is_a_403(aic: Tenant) -> None:
    from tests.emulator.util import assertion, grant

    aic.make_server_side()
    sa_id, private_jwk = aic.emulator.service_account
    token = grant(aic.emulator, assertion(aic.emulator, sa_id, private_jwk), "fr:idm:*")
    env = {**aic.env, "AIC_SA_ID": None, "AIC_SA_JWK": None}
    result = run_verify(
        {**env, "AIC_ACCESS_TOKEN": token.json()["access_token"]}, "--realm", REALM, "--json"
    )
    assert result.exit_code == 1
    assert failed(result)["journey-sessions"] == ["admin-lacks-scope"]
    assert "HTTP 403" in result.stdout


def test_am_user_without_admin_rights_is_a_403(am: Tenant) -> None:
    am.make_server_side()
    am.emulator.add_user("/", "helpdesk", "H3lpdesk-pw")
    env = {**am.env, "AM_ADMIN_USERNAME": "helpdesk", "AM_ADMIN_PASSWORD": "H3lpdesk-pw"}
    result = run_verify(env, "--realm", REALM, "--json")
    assert result.exit_code == 1
    assert failed(result)["client-side-sessions"] == ["admin-lacks-scope"]
    assert "H3lpdesk-pw" not in result.output


def test_session_is_logged_out_when_a_later_step_fails(tenant: Tenant) -> None:
    """Regression guard: a failing session query must not skip the logout (try/finally)."""
    tenant.make_server_side()
    tenant.emulator.inject_fault(
        method="GET", path="/sessions$", kind="status", status=500, count=1
    )
    result = run_verify(tenant.env, "--realm", REALM, "--json")
    assert result.exit_code == 1
    assert failed(result) == {"session-stored": ["tenant-failing"]}
    checks = json.loads(result.stdout)["realms"][0]["checks"]
    cleanup = next(c for c in checks if c["name"] == "cleanup")
    assert cleanup["status"] == "pass"
    assert tenant.sessions() == []


def test_unreachable_tenant_is_explained(aic: Tenant) -> None:
    env = {**aic.env, "AIC_BASE_URL": "http://127.0.0.1:9/am"}
    result = run_verify(env, "--realm", REALM, "--max-attempts", "1", "--json")
    assert result.exit_code == 1
    assert failed(result)["journey-sessions"] == ["tenant-unreachable"]


def test_json_shape(tenant: Tenant) -> None:
    tenant.make_server_side()
    tenant.emulator.add_user("bravo" if tenant.emulator.flavour == "aic" else REALM, "x", "y")
    result = run_verify(tenant.env, "--realm", REALM, "--realm", "/charlie", "--json")
    report = json.loads(result.stdout)
    assert set(report) == {"passed", "baseUrl", "stack", "username", "realms"}
    assert (report["passed"], report["baseUrl"], report["stack"], report["username"]) == (
        False,
        tenant.emulator.base_url,
        None,
        "demo",
    )
    assert [(r["realm"], r["passed"]) for r in report["realms"]] == [
        ("/alpha", True),
        ("/charlie", False),
    ]
    names = [
        "login",
        "token",
        "session-stored",
        "journey-sessions",
        "client-side-sessions",
        "cleanup",
    ]
    for realm in report["realms"]:
        assert [c["name"] for c in realm["checks"]] == names
        for check in realm["checks"]:
            assert set(check) == {"name", "status", "expected", "observed", "causes", "detail"}
            assert check["status"] in {"pass", "fail", "skip"}
            assert all(set(cause) == {"code", "text"} for cause in check["causes"])
            assert bool(check["causes"]) == (check["status"] == "fail")


@pytest.mark.parametrize("scenario", ["passes", "wrong-password", "client-side"])
def test_password_never_in_output_or_logs(
    tenant: Tenant, caplog: pytest.LogCaptureFixture, scenario: str
) -> None:
    password = "Vry-s3cret-test-pa55word"
    tenant.emulator.add_user(REALM, "tester", password)
    tenant.make_server_side()
    if scenario == "client-side":
        tenant.configure(stateless_sessions=True)
    typed = "Wr0ng-" + password if scenario == "wrong-password" else password
    env = {**tenant.env, "AIC_TEST_USERNAME": "tester", "AIC_TEST_PASSWORD": typed}
    caplog.set_level("DEBUG")
    outputs = [run_verify(env, "--realm", REALM, "-vv", *flag) for flag in ([], ["--json"])]
    assert outputs[0].exit_code == (0 if scenario == "passes" else 1)
    assert "'X-OpenAM-Password': '<redacted>'" in caplog.text, "headers were logged, redacted"
    assert "/authenticate -> " in outputs[0].stderr, "-vv logs each request to stderr"
    everything = caplog.text + "".join(r.stdout + r.stderr for r in outputs)
    assert password not in everything
    assert tenant.sessions("tester") == []


def test_password_from_stdin_without_a_terminal(tenant: Tenant) -> None:
    """No terminal (CliRunner, a pipe): the first line of stdin, no prompt, never echoed."""
    tenant.make_server_side()
    env = {**tenant.env, "AIC_TEST_PASSWORD": None, "AIC_TEST_USERNAME": None}
    result = run_verify(env, "--realm", REALM, "--username", "demo", stdin="Ch4ng3!t\n")
    assert result.exit_code == 0, result.output
    assert "Password of the test user" not in result.output
    assert "Ch4ng3!t" not in result.output


def test_password_from_a_hidden_prompt_on_a_terminal(tenant: Tenant) -> None:
    """On a terminal the password is asked with a hidden prompt (a pseudo-terminal here)."""
    tenant.make_server_side()
    env = {**os.environ, **{k: v for k, v in isolated_env(tenant.env).items() if v}}
    env.pop("AIC_TEST_PASSWORD", None)
    main, child = pty.openpty()
    proc = subprocess.Popen(
        [str(VENV / "bin" / "aic-sessions"), "verify", "--realm", REALM, "--username", "demo"],
        stdin=child,
        stdout=child,
        stderr=child,
        env=env,
        close_fds=True,
    )
    os.close(child)
    seen = b""
    deadline = time.monotonic() + 60
    while b"Password of the test user" not in seen and time.monotonic() < deadline:
        if select.select([main], [], [], 1)[0]:
            seen += os.read(main, 1024)
    os.write(main, b"Ch4ng3!t\n")
    while proc.poll() is None and time.monotonic() < deadline + 120:
        if select.select([main], [], [], 1)[0]:
            try:
                seen += os.read(main, 4096)
            except OSError:
                break
    proc.wait(timeout=120)
    os.close(main)
    assert proc.returncode == 0, seen.decode(errors="replace")
    assert b"Password of the test user" in seen
    assert b"Ch4ng3!t" not in seen, "hidden: never echoed"
