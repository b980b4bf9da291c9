"""Ground truth for tests against a real OpenAM: the server `scripts/openam` runs, and plain
`requests` helpers to read and prepare it.

Independent of the product package on purpose: tests compare what the product does with what
these helpers observe directly on the server.
"""

from __future__ import annotations

import base64
import contextlib
import json
import secrets
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from aic_sessions.client import realms

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "openam"
AUTH_VERSION = "resource=2.0, protocol=1.0"
CONFIG_VERSION = "resource=1.0, protocol=2.1"
DELETE_ATTEMPTS = 5
TIMEOUT = 60


class Secret:
    """A password that never shows itself in `repr`, `str` or tracebacks."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get_secret_value(self) -> str:
        """The password itself."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__


_ADMIN_TOKENS: dict[str, str] = {}
# Seconds before each further admin login after a 5xx. OpenAM answered 500 "Authentication
# Error!!" while a batch of expiring sessions held up its CTS reads (2026-12-03; see
# docs/real-server.md: `scripts/openam` now ends the sessions a run leaves). A fixture's login,
# not a test.
ADMIN_LOGIN_PAUSES = (2.0, 5.0)


def forget_admin_logins() -> None:
    """Drop the cached admin logins (after a test ended them): the next call logs in again."""
    _ADMIN_TOKENS.clear()


class OpenAMError(AssertionError):
    """The server answered something a helper did not expect (status and body in the text)."""


def _check(answer: requests.Response, what: str, *ok: int) -> requests.Response:
    if answer.status_code not in (ok or (200,)):
        raise OpenAMError(f"{what}: HTTP {answer.status_code} {answer.text[:300]}")
    return answer


def new_session() -> requests.Session:
    """A session that ignores proxy variables (the server is on loopback)."""
    session = requests.Session()
    session.trust_env = False
    return session


def random_realm_name(prefix: str = "t") -> str:
    """A fresh realm name such as `t3f9a1c2e`."""
    return f"{prefix}{secrets.token_hex(4)}"


@dataclass(frozen=True)
class OpenAM:
    """A running OpenAM: where it is, who may log in, and helpers to prepare and read realms."""

    base_url: str
    pid: int
    admin_username: str
    admin_password: Secret = field(repr=False)
    test_username: str
    test_password: Secret = field(repr=False)
    cookie_name: str = "iPlanetDirectoryPro"

    def authenticate(self, realm: str, username: str, password: str) -> requests.Response:
        """`POST .../authenticate` with the zero-page login headers; the raw answer."""
        headers = {
            "Accept-API-Version": AUTH_VERSION,
            "X-OpenAM-Username": username,
            "X-OpenAM-Password": password,
        }
        with new_session() as session:
            return session.post(
                f"{self.base_url}{realm_path(realm)}/authenticate",
                json={},
                headers=headers,
                timeout=TIMEOUT,
            )

    def login_test_user(self, realm: str) -> str:
        """The test user's session token in `realm`."""
        answer = self.authenticate(realm, self.test_username, self.test_password.get_secret_value())
        token: str = _check(answer, f"test user login in {realm}").json()["tokenId"]
        return token

    def session_is_open(self, token: str) -> bool:
        """Whether the session of `token` is still there (its own `getSessionInfo` answers)."""
        with new_session() as session:
            answer = session.post(
                f"{self.base_url}/json/realms/root/sessions",
                params={"_action": "getSessionInfo"},
                json={},
                headers={self.cookie_name: token, "Accept-API-Version": "resource=2.0"},
                timeout=TIMEOUT,
            )
        return answer.status_code == 200

    def admin_session(self) -> requests.Session:
        """A session as amadmin: the token is sent in the `iPlanetDirectoryPro` header (not kept
        as a cookie), so nothing else rides along on a call. One admin login per server and test
        run, reused (a login per call piles up admin sessions on a server under load)."""
        token = _ADMIN_TOKENS.get(self.base_url)
        if token is None:
            password = self.admin_password.get_secret_value()
            answer = self.authenticate("/", self.admin_username, password)
            for pause in ADMIN_LOGIN_PAUSES:  # OpenAM's own hiccup under load (see above)
                if answer.status_code < 500:
                    break
                time.sleep(pause)
                answer = self.authenticate("/", self.admin_username, password)
            token = _ADMIN_TOKENS[self.base_url] = _check(answer, "admin login").json()["tokenId"]
        session = new_session()
        session.headers[self.cookie_name] = token
        return session

    def end_admin_login(self) -> None:
        """Log out the admin login `admin_session` reuses (at the end of the test run), so a
        session the server still holds then is one the product left."""
        token = _ADMIN_TOKENS.pop(self.base_url, None)
        if token is None:
            return
        with new_session() as session, contextlib.suppress(requests.RequestException):
            session.post(  # best effort: `scripts/openam stop` ends what is left
                f"{self.base_url}/json/sessions",
                params={"_action": "logout"},
                json={},
                headers={self.cookie_name: token, "Accept-API-Version": AUTH_VERSION},
                timeout=TIMEOUT,
            )

    def create_realm(self, name: str | None = None) -> str:
        """Create a top-level realm (existing is fine) with the test user in it; its name."""
        name = name or random_realm_name()
        with self.admin_session() as admin:
            answer = admin.post(
                f"{self.base_url}/json/global-config/realms",
                json={"name": name, "active": True, "parentPath": "/", "aliases": []},
                headers={"Accept-API-Version": CONFIG_VERSION},
                timeout=TIMEOUT,
            )
            _check(answer, f"create realm {name}", 201, 409)
            answer = admin.post(
                f"{self.base_url}{realm_path(name)}/users",
                params={"_action": "create"},
                json={
                    "username": self.test_username,
                    "userpassword": self.test_password.get_secret_value(),
                    "mail": f"{self.test_username}@example.com",
                    "givenName": "Session",
                    "sn": "Tester",
                },
                headers={"Accept-API-Version": "resource=3.0, protocol=2.1"},
                timeout=TIMEOUT,
            )
            _check(answer, f"create the test user in {name}", 201, 409)
        return name

    def delete_realm(self, name: str) -> None:
        """Delete a top-level realm (a realm already gone is fine)."""
        realm_id = base64.urlsafe_b64encode(f"/{name.strip('/')}".encode()).decode().rstrip("=")
        with self.admin_session() as admin:
            for attempt in range(DELETE_ATTEMPTS):
                answer = admin.delete(
                    f"{self.base_url}/json/global-config/realms/{realm_id}",
                    headers={"Accept-API-Version": CONFIG_VERSION},
                    timeout=TIMEOUT,
                )
                # Observed under load: the embedded store refuses now and then with 400 "Error
                # in deleting entry" (a realm created moments before); the same call then works.
                if answer.status_code != 400 or attempt == DELETE_ATTEMPTS - 1:
                    break
                time.sleep(1.0)
        _check(answer, f"delete realm {name}", 200, 404)

    def get_authentication(self, realm: str) -> dict[str, Any]:
        """The raw `realm-config/authentication` document (resource=1.0)."""
        with self.admin_session() as admin:
            answer = admin.get(
                f"{self.base_url}{realm_path(realm)}/realm-config/authentication",
                headers={"Accept-API-Version": CONFIG_VERSION},
                timeout=TIMEOUT,
            )
        document: dict[str, Any] = _check(answer, f"read authentication of {realm}").json()
        return document

    def put_authentication(self, realm: str, body: dict[str, Any]) -> None:
        """A partial PUT of `realm-config/authentication` (protocol 1.0, as OpenAM needs)."""
        with self.admin_session() as admin:
            answer = admin.put(
                f"{self.base_url}{realm_path(realm)}/realm-config/authentication",
                json=body,
                headers={"Accept-API-Version": "protocol=1.0,resource=1.0"},
                timeout=TIMEOUT,
            )
        _check(answer, f"write authentication of {realm}")

    def get_session_service(self, realm: str) -> dict[str, Any] | None:
        """The realm's Session service document, or None when the service is not added (404)."""
        with self.admin_session() as admin:
            answer = admin.get(
                f"{self.base_url}{realm_path(realm)}/realm-config/services/session",
                headers={"Accept-API-Version": CONFIG_VERSION},
                timeout=TIMEOUT,
            )
        if answer.status_code == 404:
            return None
        document: dict[str, Any] = _check(answer, f"read Session service of {realm}").json()
        return document

    def session_service_template(self, realm: str) -> dict[str, Any]:
        """The `dynamic` values a realm without its own Session service gets (`?_action=template`
        of its Session service)."""
        with self.admin_session() as admin:
            answer = admin.post(
                f"{self.base_url}{realm_path(realm)}/realm-config/services/session",
                params={"_action": "template"},
                json={},
                headers={"Accept-API-Version": CONFIG_VERSION},
                timeout=TIMEOUT,
            )
        template: dict[str, Any] = _check(answer, f"Session service template of {realm}").json()
        return dict(template["dynamic"])


def realm_path(realm: str) -> str:
    """`/json/realms/root` plus `/realms/<name>` per level (`/` is the root realm), by the
    client's one rule."""
    return "/json" + realms.realm_path(realm)


def run_script(*args: str, timeout: float) -> subprocess.CompletedProcess[str]:
    """`scripts/openam ARGS --json`; its progress goes to our stderr."""
    return subprocess.run(
        [str(SCRIPT), *args, "--json"],
        stdout=subprocess.PIPE,
        text=True,
        timeout=timeout,
        check=False,
    )


def server_status() -> tuple[int, dict[str, Any]]:
    """`scripts/openam status`: (0 running | 1 not answering | 3 stopped, facts)."""
    result = run_script("status", timeout=60)
    facts: dict[str, Any] = json.loads(result.stdout) if result.stdout.strip() else {}
    return result.returncode, facts


def start_server(timeout: float = 3600) -> dict[str, Any]:
    """`scripts/openam start` (reuses a running server; the facts say `started`)."""
    result = run_script("start", timeout=timeout)
    if result.returncode != 0:
        raise OpenAMError(f"scripts/openam start failed (exit {result.returncode}); see above")
    facts: dict[str, Any] = json.loads(result.stdout)
    return facts


def stop_server(wait: bool = True) -> None:
    """`scripts/openam stop` (`--no-wait` without `wait`: the JVM shuts down after we return)."""
    result = run_script("stop", *([] if wait else ["--no-wait"]), timeout=300)
    if result.returncode != 0:
        raise OpenAMError(f"scripts/openam stop failed (exit {result.returncode})")


def connect(facts: dict[str, Any]) -> OpenAM:
    """The server described by `scripts/openam` facts, with credentials from its cache file."""
    creds = json.loads(Path(facts["credentials_file"]).read_text(encoding="utf-8"))
    return OpenAM(
        base_url=facts["base_url"],
        pid=int(facts["pid"]),
        admin_username=creds["admin_username"],
        admin_password=Secret(creds["admin_password"]),
        test_username=creds["test_username"],
        test_password=Secret(creds["test_password"]),
    )
