"""Connection failures as `aic-sessions verify` reports them: the URL tried and the right fix.

https to an http server, DNS failures and refused connections each get a message that names
the cause and the URL (not a generic "connection failed" or a CA-bundle hint).
"""

from __future__ import annotations

import json
import socket
from urllib.parse import urlsplit

import pytest

from tests.verify.util import Tenant, run_verify


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def detail_of(tenant: Tenant, base_url: str) -> str:
    result = run_verify({**tenant.env, "AIC_BASE_URL": base_url}, "--realm", "alpha", "--json")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    report = json.loads(result.stdout)
    return json.dumps(report["realms"][0]["checks"])


@pytest.mark.parametrize("tenant", ["aic"], indirect=True)
def test_https_to_an_http_server_says_so(tenant: Tenant) -> None:
    port = urlsplit(tenant.emulator.base_url).port
    detail = detail_of(tenant, f"https://127.0.0.1:{port}/am")
    assert f"https://127.0.0.1:{port} does not speak TLS" in detail
    assert "use http://" in detail
    assert "certificate not trusted" not in detail


@pytest.mark.parametrize("tenant", ["aic"], indirect=True)
def test_an_unknown_host_names_the_host_and_dns(tenant: Tenant) -> None:
    detail = detail_of(tenant, "https://no-such-tenant.invalid/am")
    assert "The host name no-such-tenant.invalid could not be resolved (DNS)" in detail
    assert "tried https://no-such-tenant.invalid/am/" in detail


@pytest.mark.parametrize("tenant", ["aic"], indirect=True)
def test_a_refused_connection_names_the_address_and_port(tenant: Tenant) -> None:
    port = closed_port()
    detail = detail_of(tenant, f"http://127.0.0.1:{port}/am")
    assert f"Nothing accepts connections at http://127.0.0.1:{port} (connection refused)" in detail
    assert "check the port in the base URL" in detail


@pytest.mark.parametrize("tenant", ["aic", "am"], indirect=True)
def test_a_wrong_base_path_says_so_instead_of_blaming_the_realm(tenant: Tenant) -> None:
    """The emulator serves AM at /am; at /openam its web server answers an HTML 404."""
    wrong = tenant.emulator.base_url.replace("/am", "/openam")
    result = run_verify({**tenant.env, "AIC_BASE_URL": wrong}, "--realm", "alpha", "--json")
    assert result.exit_code == 1, result.output
    codes = {
        c["code"]
        for check in json.loads(result.stdout)["realms"][0]["checks"]
        for c in check["causes"]
    }
    assert "wrong-base-path" in codes
    assert "wrong-realm" not in codes
    assert "Nothing at this path is AM" in result.stdout


@pytest.mark.parametrize("tenant", ["aic", "am"], indirect=True)
def test_a_wrong_test_user_password_has_no_admin_credentials_hint(tenant: Tenant) -> None:
    result = run_verify(
        {**tenant.env, "AIC_TEST_PASSWORD": "wrong-password"}, "--realm", "alpha", "--json"
    )
    assert result.exit_code == 1, result.output
    [login] = [c for c in json.loads(result.stdout)["realms"][0]["checks"] if c["name"] == "login"]
    assert login["status"] == "fail"
    assert "Check the test user's username and password" in login["detail"]
    assert "service-account" not in login["detail"]
    assert "admin username" not in login["detail"]
    assert [c["code"] for c in login["causes"]] == ["user-cannot-log-in"]
