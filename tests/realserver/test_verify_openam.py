"""`aic-sessions verify` against a real OpenAM 16: it passes on a server-side realm, fails with
the cause on a client-side one, checks the signing secret in effect, and never leaves the test
user's session behind (checked with the admin query, also when a check fails)."""

from __future__ import annotations

import base64
import json
import secrets

from click.testing import Result

from tests.realserver.openam import OpenAM, realm_path
from tests.verify.util import checks, failed, run_verify


def verify(openam: OpenAM, realm: str, **extra: str) -> Result:
    env = {
        "AM_ADMIN_USERNAME": openam.admin_username,
        "AM_ADMIN_PASSWORD": openam.admin_password.get_secret_value(),
        "AIC_TEST_USERNAME": openam.test_username,
        "AIC_TEST_PASSWORD": openam.test_password.get_secret_value(),
        **extra,
    }
    return run_verify(env, "--base-url", openam.base_url, "--realm", realm, "--json")


def sessions_of_test_user(openam: OpenAM, realm: str) -> list[dict[str, object]]:
    query = f'username eq "{openam.test_username}" and realm eq "/{realm}"'
    with openam.admin_session() as admin:
        answer = admin.get(
            f"{openam.base_url}{realm_path(realm)}/sessions",
            params={"_queryFilter": query},
            headers={"Accept-API-Version": "resource=2.0, protocol=1.0"},
            timeout=60,
        )
    assert answer.status_code == 200, answer.text
    found: list[dict[str, object]] = answer.json()["result"]
    return found


def test_server_side_realm_passes_and_leaves_no_session(openam: OpenAM, realm: str) -> None:
    secret = base64.b64encode(secrets.token_bytes(32)).decode()
    openam.put_authentication(realm, {"security": {"sharedSecret": secret}})
    result = verify(openam, realm, AIC_SIGNING_SECRET=secret)
    assert result.exit_code == 0, result.output
    seen = checks(result)
    assert set(seen) >= {"login", "token", "session-stored", "journey-sessions", "cleanup"}
    assert seen["token"]["observed"] == "server-side"
    assert seen["signing-secret"]["status"] == "pass"
    assert "no scheme setting" in seen["journey-sessions"]["observed"]
    assert seen["journey-sessions"]["expected"].startswith("a server-side journey (the server has")
    assert sessions_of_test_user(openam, realm) == []
    assert secret not in result.output


def test_client_side_realm_fails_with_the_cause(openam: OpenAM, realm: str) -> None:
    openam.put_authentication(realm, {"general": {"statelessSessionsEnabled": True}})
    result = verify(openam, realm)
    assert result.exit_code == 1, result.output
    causes = failed(result)
    assert "client-side-sessions-on" in causes["client-side-sessions"]
    assert "client-side-sessions-on" in causes["token"]
    assert checks(result)["cleanup"]["status"] == "pass"
    assert sessions_of_test_user(openam, realm) == []


def test_another_signing_secret_fails_and_still_cleans_up(openam: OpenAM, realm: str) -> None:
    openam.put_authentication(
        realm, {"security": {"sharedSecret": base64.b64encode(b"x" * 32).decode()}}
    )
    expected = base64.b64encode(secrets.token_bytes(32)).decode()
    result = verify(openam, realm, AIC_SIGNING_SECRET=expected)
    assert result.exit_code == 1, result.output
    assert failed(result) == {"signing-secret": ["signing-secret-not-in-effect"]}
    assert sessions_of_test_user(openam, realm) == []
    assert expected not in json.dumps(json.loads(result.stdout))


def test_a_wrong_base_path_is_named_not_the_realm(openam: OpenAM, realm: str) -> None:
    """OpenAM lives at /openam; at /am its Tomcat answers an HTML 404 (not AM's JSON)."""
    env = {
        "AM_ADMIN_USERNAME": openam.admin_username,
        "AM_ADMIN_PASSWORD": openam.admin_password.get_secret_value(),
        "AIC_TEST_USERNAME": openam.test_username,
        "AIC_TEST_PASSWORD": openam.test_password.get_secret_value(),
    }
    wrong = openam.base_url.replace("/openam", "/am")
    result = run_verify(env, "--base-url", wrong, "--realm", realm, "--json")
    assert result.exit_code == 1, result.output
    codes = {c["code"] for check in checks(result).values() for c in check["causes"]}
    assert codes == {"wrong-base-path"}, result.stdout
    assert "Nothing at this path is AM" in result.stdout


def test_a_wrong_test_user_password_blames_the_user_only(openam: OpenAM, realm: str) -> None:
    result = verify(openam, realm, AIC_TEST_PASSWORD="not-the-password")
    assert result.exit_code == 1, result.output
    login = checks(result)["login"]
    assert [c["code"] for c in login["causes"]] == ["user-cannot-log-in"]
    assert "Check the test user's username and password" in login["detail"]
    assert "admin username" not in login["detail"]
