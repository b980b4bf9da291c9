"""The emulator's whole in-memory state as one JSON-serialisable tree, plus its lock and clock.

`StoreBase` is shared by the operation mixins in `store.py`, `oauth.py` and `sessions.py`.
Every public operation takes `self.lock` (re-entrant), so parallel requests never see or
write a half-updated document. The clock can be advanced (`advance_clock`) so tests can
expire journeys, sessions and tokens without sleeping.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from aic_emulator import defaults

AIC_REALMS = ("alpha", "bravo")
DEFAULT_ADMIN = ("amadmin", "Password1!")
DEFAULT_USER = ("demo", "Ch4ng3!t")
DEFAULT_SA_SCOPES = ["fr:am:*", "fr:idm:*", "fr:idc:esv:*", "fr:idc:promotion:*"]


def realm_name(parts: list[str]) -> str:
    """AM realm notation for sub-realm names: [] -> "/", ["a","b"] -> "/a/b"."""
    return "/" + "/".join(parts)


def new_realm(flavour: str, name: str) -> dict[str, Any]:
    """A realm in its default state, with a generated signing secret and the demo user."""
    secret = base64.b64encode(secrets.token_bytes(32)).decode()
    return {
        "authentication": defaults.realm_authentication(flavour, name),
        # Self-managed AM: a new sub-realm has no Session service until one is added (observed
        # on OpenAM 16: GET 404); AIC realms have it.
        "sessionService": None if flavour == "am" and name != "/" else defaults.session_service(),
        "secret": secret,
        "tenantSecret": secret,
        "secretRef": None,
        "users": {} if name == "/" else {DEFAULT_USER[0]: DEFAULT_USER[1]},
        "journeys": {},  # static items other teams own (seeded through the control API)
        "scripts": {},
    }


def seed_state(flavour: str, realms: list[str], admin: tuple[str, str]) -> dict[str, Any]:
    """The seeded state of a flavour (service accounts are added by the Store)."""
    names = ["/"] + [realm_name(r.strip("/").split("/")) for r in realms]
    cookie = "iPlanetDirectoryPro" if flavour == "am" else secrets.token_hex(8)[:15]
    state: dict[str, Any] = {
        "flavour": flavour,
        "cookieName": cookie,
        "realms": {name: new_realm(flavour, name) for name in names},
        "global": defaults.global_authentication(),
        "admins": {admin[0]: admin[1]},
        "serviceAccounts": {},
        "accessTokens": {},
        "sessions": {},
        "revokedClientSessions": {},
        "journeys": {},
        "usedJtis": {},
        "sessionKey": secrets.token_urlsafe(32),
        "config": {"accessTokenTtl": 900},
        "clockOffset": 0.0,
    }
    state["realms"]["/"]["users"] = {admin[0]: admin[1]}
    return state


class StoreBase:
    """Holds the state tree, the lock and the clock."""

    def __init__(self, state: dict[str, Any]) -> None:
        self.lock = threading.RLock()
        self.state = state

    @property
    def flavour(self) -> str:
        return str(self.state["flavour"])

    @property
    def cookie_name(self) -> str:
        return str(self.state["cookieName"])

    def now(self) -> float:
        return time.time() + float(self.state["clockOffset"])

    def advance_clock(self, seconds: float) -> None:
        with self.lock:
            self.state["clockOffset"] = float(self.state["clockOffset"]) + seconds

    def save(self, path: Path) -> None:
        """Write the state atomically (temp file in the same directory, then os.replace)."""
        with self.lock:
            text = json.dumps(self.state)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)

    @staticmethod
    def load(path: Path) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(path.read_text())
        return loaded
