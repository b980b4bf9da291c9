"""Journeys (authenticate) and sessions, following the realm's authentication settings.

- `trees.authenticationSessionsStateManagement`: `JWT` keeps the journey state inside the
  authId; `CTS`/`IN_MEMORY` store it server-side and the authId only references it.
- `trees.authenticationSessionsMaxDuration` (minutes) bounds a journey; later -> 401.
- The authId is an HS256 JWT signed with the realm's signing secret (`security.sharedSecret`),
  so changing the secret invalidates journeys in flight.
- `general.statelessSessionsEnabled`: false -> server-side session (reference token, stored,
  queryable); true -> client-side session (token carries a signed JWT, nothing stored).
"""

from __future__ import annotations

import base64
import binascii
import time
import uuid
from typing import Any

from aic_emulator import defaults, tokens
from aic_emulator.errors import BadRequest, LoginFailure, StatusError, Unauthorized
from aic_emulator.state import StoreBase


def iso(ts: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def login_callbacks() -> list[dict[str, Any]]:
    """AM's NameCallback + PasswordCallback, as a tree's first step sends them."""
    return [
        {
            "type": "NameCallback",
            "output": [{"name": "prompt", "value": "User Name"}],
            "input": [{"name": "IDToken1", "value": ""}],
            "_id": 0,
        },
        {
            "type": "PasswordCallback",
            "output": [{"name": "prompt", "value": "Password"}],
            "input": [{"name": "IDToken2", "value": ""}],
            "_id": 1,
        },
    ]


def _callback_values(body: dict[str, Any]) -> tuple[str, str]:
    values: dict[str, Any] = {}
    for callback in body.get("callbacks") or []:
        for item in callback.get("input", []) if isinstance(callback, dict) else []:
            values[item.get("name")] = item.get("value")
    return str(values.get("IDToken1") or ""), str(values.get("IDToken2") or "")


class SessionOps(StoreBase):
    """authenticate, getSessionInfo, validate, refresh, logout*, query."""

    def realm(self, name: str) -> dict[str, Any]:  # provided by ConfigOps
        raise NotImplementedError

    def authenticate(
        self, realm: str, username: str | None, password: str | None, body: Any, tree: str
    ) -> dict[str, Any]:
        """One call of `POST .../authenticate`: a token, or the next callbacks."""
        if not isinstance(body, dict):
            raise BadRequest("The request body must be a JSON object.")
        with self.lock:
            self.realm(realm)
            if username is not None:
                return self._login(realm, username, password or "")
            if body.get("authId"):
                return self._continue_journey(realm, body)
            return self._start_journey(realm, tree)

    def _start_journey(self, realm: str, tree: str) -> dict[str, Any]:
        trees = self.realm(realm)["authentication"]["trees"]
        now = self.now()
        claims: dict[str, Any] = {
            "realm": realm,
            "authIndexType": "service",
            "authIndexValue": tree,
            "iat": int(now),
            "exp": int(now + 60 * int(trees["authenticationSessionsMaxDuration"])),
            "otk": tokens.random_id(16),
        }
        if trees["authenticationSessionsStateManagement"] == "JWT":
            claims["state"] = {"node": "credentials", "tree": tree}
        else:
            journey_id = tokens.journey_reference()
            self.state["journeys"][journey_id] = {
                "realm": realm,
                "tree": tree,
                "exp": claims["exp"],
            }
            claims["sessionId"] = journey_id
        auth_id = tokens.sign_auth_id(claims, self._secret(realm))
        answer = {"authId": auth_id, "callbacks": login_callbacks()}
        if self.flavour == "am":  # AIC answers with these two keys only (recorded)
            answer.update(header="Sign In", description="", template="", stage="")
        return answer

    def _continue_journey(self, realm: str, body: dict[str, Any]) -> dict[str, Any]:
        claims = tokens.verify_auth_id(str(body["authId"]), self._secret(realm))
        if claims is None or claims.get("realm") != realm:
            raise Unauthorized("Invalid authId", {"failureUrl": ""})
        journey = None
        if "sessionId" in claims:
            journey = self.state["journeys"].pop(claims["sessionId"], None)
        expired = claims.get("exp", 0) <= self.now()
        if expired or ("sessionId" in claims and journey is None):
            raise Unauthorized("Session has timed out", {"failureUrl": ""})
        username, password = _callback_values(body)
        return self._login(realm, username, password)

    def _secret(self, realm: str) -> bytes:
        """The authId HMAC key: the base64-decoded signing secret in effect, as AM uses it
        (observed on OpenAM 16); a secret that is not base64 keys by its text."""
        value = self.signing_secret_in_effect(realm)  # type: ignore[attr-defined]
        if value is None:  # an `&{esv.x}` placeholder whose ESV is not loaded (inferred)
            raise StatusError(500, "Unable to resolve the signing secret's placeholder")
        try:
            return base64.b64decode(str(value), validate=True)
        except (binascii.Error, ValueError):
            return str(value).encode()

    def _login(self, realm: str, username: str, password: str) -> dict[str, Any]:
        users = self.realm(realm)["users"]
        if users.get(username) != password or not username:
            raise LoginFailure()
        token = self._create_session(realm, username)
        doc = self.realm(realm)["authentication"]
        urls = doc["postauthprocess"].get("loginSuccessUrl") or ["/am/console"]
        success = "/am/console" if realm == "/" else urls[0]
        return {"tokenId": token, "successUrl": success, "realm": realm}

    def _session_limits(self, realm: str) -> dict[str, Any]:
        """The realm's Session service values; where it has none (or a null), the global ones."""
        limits = dict(defaults.session_service()["dynamic"])
        service = self.realm(realm)["sessionService"]
        if service is not None:
            limits.update({k: v for k, v in service["dynamic"].items() if v is not None})
        return limits

    def _create_session(self, realm: str, username: str) -> str:
        limits = self._session_limits(realm)
        now = self.now()
        session: dict[str, Any] = {
            "username": username,
            "realm": realm,
            "universalId": _universal_id(realm, username),
            "sessionHandle": "shandle:" + tokens.random_id(20),
            "created": now,
            "lastAccess": now,
            "maxIdle": int(limits["maxIdleTime"]),
            "maxTime": int(limits["maxSessionTime"]),
            "admin": realm == "/" and username in self.state["admins"],
            "ctxId": str(uuid.uuid4()),
        }
        if self.realm(realm)["authentication"]["general"]["statelessSessionsEnabled"]:
            claims = {**session, "exp": int(now + 60 * session["maxTime"])}
            return tokens.client_side_token(claims, self._session_key())
        token = tokens.server_side_token()
        self.state["sessions"][token] = session
        return token

    def _session_key(self) -> bytes:
        return str(self.state["sessionKey"]).encode()

    def resolve_session(self, token: str, touch: bool = False) -> dict[str, Any] | None:
        """The live session of a token (server- or client-side), or None."""
        with self.lock:
            session: dict[str, Any] | None = self.state["sessions"].get(token)
            if session is None:
                claims = tokens.client_side_claims(token, self._session_key())
                revoked = (
                    claims is not None
                    and claims["sessionHandle"] in self.state["revokedClientSessions"]
                )
                session = None if revoked else claims
            if session is None or self._expired(session):
                self.state["sessions"].pop(token, None)
                return None
            if touch and token in self.state["sessions"]:
                session["lastAccess"] = self.now()
            return session

    def _expired(self, session: dict[str, Any]) -> bool:
        now = self.now()
        idle_end = session["lastAccess"] + 60 * session["maxIdle"]
        return bool(now >= idle_end or now >= session["created"] + 60 * session["maxTime"])

    def session_info(self, token: str, refresh: bool = False) -> dict[str, Any]:
        session = self.resolve_session(token, touch=refresh)
        if session is None:
            raise Unauthorized()
        return {
            "username": session["username"],
            "universalId": session["universalId"],
            "realm": session["realm"],
            **_times(session),
            "properties": {"AMCtxId": session["ctxId"]},
        }

    def validate(self, token: str) -> dict[str, Any]:
        session = self.resolve_session(token)
        if session is None:
            return {"valid": False}
        return {
            "valid": True,
            "sessionUid": session["sessionHandle"].removeprefix("shandle:"),
            "uid": session["username"],
            "realm": session["realm"],
        }

    def logout(self, token: str) -> dict[str, Any]:
        with self.lock:
            session = self.resolve_session(token)
            if session is None:
                raise Unauthorized()
            self._end(token, session)
            return {"result": "Successfully logged out"}

    def _end(self, token: str | None, session: dict[str, Any]) -> None:
        if token is not None and token in self.state["sessions"]:
            del self.state["sessions"][token]
        else:
            exp = session["created"] + 60 * session["maxTime"]
            self.state["revokedClientSessions"][session["sessionHandle"]] = exp

    def logout_by_handle(self, handles: Any) -> dict[str, Any]:
        if not isinstance(handles, list):
            raise BadRequest("sessionHandles must be an array")
        with self.lock:
            by_handle = {s["sessionHandle"]: t for t, s in self.state["sessions"].items()}
            result = {}
            for handle in handles:
                token = by_handle.get(handle)
                if token is not None:
                    del self.state["sessions"][token]
                result[str(handle)] = token is not None
            return {"result": result}

    def logout_by_user(self, realm: str, username: Any) -> dict[str, Any]:
        if not isinstance(username, str) or not username:
            raise BadRequest("username is required")
        with self.lock:
            tokens_ = [
                t
                for t, s in self.state["sessions"].items()
                if s["username"] == username and s["realm"] == realm
            ]
            for token in tokens_:
                del self.state["sessions"][token]
            return {"result": bool(tokens_)}

    def query_sessions(self, filters: dict[str, str]) -> list[dict[str, Any]]:
        """Live server-side sessions matching `field eq value` filters."""
        with self.lock:
            for token in list(self.state["sessions"]):
                self.resolve_session(token)
            return [
                {
                    "username": s["username"],
                    "universalId": s["universalId"],
                    "realm": s["realm"],
                    "sessionHandle": s["sessionHandle"],
                    **_times(s),
                }
                for s in self.state["sessions"].values()
                if all(str(s.get(k)) == v for k, v in filters.items())
            ]


def _times(session: dict[str, Any]) -> dict[str, str]:
    return {
        "latestAccessTime": iso(session["lastAccess"]),
        "maxIdleExpirationTime": iso(session["lastAccess"] + 60 * session["maxIdle"]),
        "maxSessionExpirationTime": iso(session["created"] + 60 * session["maxTime"]),
    }


def _universal_id(realm: str, username: str) -> str:
    if realm == "/":
        return f"id={username},ou=user,ou=am-config"
    org = ",".join(f"o={part}" for part in reversed(realm.strip("/").split("/")))
    return f"id={username},ou=user,{org},ou=services,ou=am-config"
