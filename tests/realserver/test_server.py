"""The real OpenAM the fixture provides: reachable, provisioned, and on loopback only."""

from __future__ import annotations

import pytest

from tests.realserver.listeners import is_loopback, listening_sockets
from tests.realserver.manager import provision, sessions
from tests.realserver.openam import (
    CONFIG_VERSION,
    OpenAM,
    forget_admin_logins,
    new_session,
    random_realm_name,
)


def test_serverinfo_answers_without_a_session(openam: OpenAM) -> None:
    with new_session() as session:
        answer = session.get(
            f"{openam.base_url}/json/serverinfo/*",
            headers={"Accept-API-Version": "resource=1.1"},
            timeout=30,
        )
    assert answer.status_code == 200
    assert answer.json()["cookieName"] == openam.cookie_name


def test_admin_login_opens_an_admin_session(openam: OpenAM) -> None:
    with openam.admin_session() as admin:
        answer = admin.get(f"{openam.base_url}/json/serverinfo/version", timeout=30)
    assert answer.status_code == 200, answer.text
    assert answer.json()["version"]


def test_wrong_admin_password_is_refused(openam: OpenAM) -> None:
    answer = openam.authenticate("/", openam.admin_username, "not-the-password")
    assert answer.status_code == 401


@pytest.mark.parametrize("realm", ["alpha", "bravo"])
def test_provisioned_realms_let_the_test_user_log_in(openam: OpenAM, realm: str) -> None:
    assert openam.get_authentication(realm)["general"]["statelessSessionsEnabled"] is False
    assert openam.login_test_user(realm)


def test_created_realm_exists_and_its_test_user_logs_in(openam: OpenAM) -> None:
    realm = openam.create_realm(random_realm_name())
    try:
        document = openam.get_authentication(realm)
        assert {"general", "security", "core"} <= document.keys()
        assert "trees" not in document  # this fork predates trees
        assert openam.get_session_service(realm) is None  # not added in a fresh realm
        answer = openam.authenticate(
            realm, openam.test_username, openam.test_password.get_secret_value()
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["tokenId"]
        assert answer.json()["realm"] == f"/{realm}"
        assert openam.create_realm(realm) == realm  # again: 409 from both is fine
    finally:
        openam.delete_realm(realm)
    with openam.admin_session() as admin:
        gone = admin.get(
            f"{openam.base_url}/json/realms/root/realms/{realm}/realm-config/authentication",
            headers={"Accept-API-Version": CONFIG_VERSION},
            timeout=30,
        )
    assert gone.status_code == 404


def _session_handles(openam: OpenAM, realm: str) -> set[str]:
    with openam.admin_session() as admin:
        answer = admin.get(
            f"{openam.base_url}/json/realms/root/sessions",
            params={"_queryFilter": f'realm eq "/{realm}"'},
            headers={"Accept-API-Version": "resource=2.0"},
            timeout=30,
        )
    assert answer.status_code == 200, answer.text
    return {session["sessionHandle"] for session in answer.json()["result"]}


def test_the_manager_ends_the_open_sessions_of_the_named_users_only(
    openam: OpenAM, realm: str
) -> None:
    """What `scripts/openam stop` and `start` do with the accounts' sessions, on this test's
    realm only (a batch of them expiring at once holds up OpenAM's CTS for minutes)."""
    for _ in range(2):
        openam.login_test_user(realm)
    opened = _session_handles(openam, realm)
    assert len(opened) == 2
    with openam.admin_session() as admin:
        token = str(admin.headers[openam.cookie_name])
    assert sessions.end_sessions(openam.base_url, token, [f"/{realm}"], ("someone-else",)) == 0
    assert _session_handles(openam, realm) == opened
    users = (openam.test_username,)
    kept = sorted(opened)[0]
    assert sessions.end_sessions(openam.base_url, token, [f"/{realm}"], users, skip=kept) == 1
    assert _session_handles(openam, realm) == {kept}
    assert sessions.end_sessions(openam.base_url, token, [f"/{realm}"], users) == 1
    assert _session_handles(openam, realm) == set()


def test_the_manager_ends_every_open_session_of_both_accounts(openam: OpenAM, realm: str) -> None:
    """`scripts/openam stop`'s cleanup, whole: admin sessions too, its own login left out of
    the batch (then logged out), and the test user's in a realm of its own."""
    password = openam.admin_password.get_secret_value()
    admins = [openam.authenticate("/", openam.admin_username, password) for _ in range(2)]
    tokens = [answer.json()["tokenId"] for answer in admins]
    tokens.append(openam.login_test_user(realm))
    assert sum(openam.session_is_open(token) for token in tokens) == len(tokens)  # no token shown
    creds = {
        "admin_username": openam.admin_username,
        "admin_password": password,
        "test_username": openam.test_username,
    }
    try:
        ended = sessions.end_accounts_sessions(openam.base_url, creds)
    finally:
        forget_admin_logins()  # this run's cached admin login is ended too
    assert ended >= len(tokens)
    assert sum(openam.session_is_open(token) for token in tokens) == 0
    assert _session_handles(openam, realm) == set()


def test_every_listener_of_the_server_is_on_loopback(openam: OpenAM) -> None:
    listeners = listening_sockets(openam.pid)
    port = int(openam.base_url.rsplit(":", 1)[1].split("/")[0])
    http = [host for host, p in listeners if p == port]
    assert http, f"could not see the HTTP listener (port {port}) in {listeners}"
    exposed = [(host, p) for host, p in listeners if not is_loopback(host)]
    assert not exposed, f"listening beyond loopback: {exposed} (all: {listeners})"


def test_the_csv_audit_handler_writes_unbuffered(openam: OpenAM) -> None:
    """`scripts/openam start` turns buffering off (no polling thread per topic)."""
    with openam.admin_session() as admin:
        answer = admin.get(
            f"{openam.base_url}{provision.CSV_HANDLER}",
            headers={"Accept-API-Version": CONFIG_VERSION},
            timeout=30,
        )
    assert answer.status_code == 200, answer.text
    assert answer.json()["csvBuffering"]["bufferingEnabled"] is False
    assert answer.json()["commonHandler"]["enabled"] is True  # the audit logs stay on


def test_passwords_stay_out_of_reprs(openam: OpenAM) -> None:
    text = repr(openam) + str(openam.admin_password) + repr(openam.test_password)
    assert openam.admin_password.get_secret_value() not in text
    assert openam.test_password.get_secret_value() not in text
