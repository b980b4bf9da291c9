"""ESV secrets and tenant restarts of AIC (`{tenant}/environment/secrets`, `.../startup`).

Shaped on the recorded AIC traffic (frodo-lib's recordings): a secret document
`{_id, activeVersion, description, encoding, lastChangeDate, lastChangedBy, loaded,
loadedVersion, useInPlaceholders}`, a version `{createDate, loaded, status, version}`, error
bodies `{"code", "message"}` (no `reason`), `{"restartStatus": "ready"|"restarting"}`.
Values are write-only: no answer ever carries one.

The running tenant uses only *loaded* values: a restart (`restart()`) takes
`config.restartSeconds` of the emulator clock, reports `restarting` meanwhile, and then loads
the version that was active when it was asked for. `loaded` / `loadedVersion` change only then.
A realm's `&{esv.x}` placeholder resolves to ESV `esv-x`'s loaded value
(`signing_secret_in_effect`), so journeys are signed with it only after the restart.

Inferred, not shown by the recordings (each marked `# inferred` below): `activeVersion` is the
highest ENABLED version; disabling or deleting the active version's last enabled alternative is
refused (400); a PUT of an existing secret is a 409; deleted versions disappear from the list;
a restart asked for while one runs answers `restarting` without starting another; a deleted
ESV stays in effect until the next restart; the scope granularity (`fr:idc:esv:read`,
`:update`, `:restart`, or `fr:idc:esv:*`) and the 401/403 bodies.
"""

from __future__ import annotations

import base64
import binascii
import copy
import re
import time
from typing import Any

from aic_emulator.errors import EmulatorError
from aic_emulator.state import StoreBase

ESV_SCOPE = "fr:idc:esv:*"
NO_SECRET = "The secret does not exist or does not have a version"  # noqa: S105 (a message)
ENCODINGS = ("generic", "pem", "base64hmac", "base64aes")  # inferred beyond generic/pem
SECRET_ID = re.compile(r"^esv-[a-z0-9_-]{1,120}$")  # inferred
DEFAULT_RESTART_SECONDS = 1.0


class EsvError(EmulatorError):
    """An error of the environment API: `{"code", "message"}` as recorded (no `reason`)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status

    def body(self) -> dict[str, Any]:
        return {"code": self.status, "message": self.message}


def iso_micro(ts: float) -> str:
    """`2024-01-20T04:38:17.953181Z`, as the recordings show."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts)) + f".{int(ts % 1 * 1e6):06d}Z"


def esv_id_of(placeholder: str) -> str | None:
    """`&{esv.my.secret}` -> `esv-my-secret`; None for any other text."""
    match = re.fullmatch(r"&\{esv\.([a-z0-9._-]+)\}", placeholder)
    return "esv-" + match.group(1).replace(".", "-") if match else None


def _decoded(value: Any) -> bytes:
    if not isinstance(value, str) or not value:
        raise EsvError(400, "valueBase64 is required")  # inferred
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise EsvError(400, "valueBase64 is not valid base64") from None  # inferred


class EsvOps(StoreBase):
    """The environment secrets and startup API, one method per operation."""

    def realm(self, name: str) -> dict[str, Any]:  # provided by ConfigOps
        raise NotImplementedError

    def _esv(self) -> dict[str, Any]:
        """The ESV part of the state (added on first use, so older state files still load)."""
        esv: dict[str, Any] = self.state.setdefault(
            "esv", {"secrets": {}, "loaded": {}, "restart": None}
        )
        self._finish_restart(esv)
        return esv

    # authorization ---------------------------------------------------------------------------

    def authorize_esv(self, bearer: str | None, need: str) -> str:
        """The principal of a bearer token with `fr:idc:esv:*` or `fr:idc:esv:<need>`."""
        with self.lock:
            record = self.state["accessTokens"].get(bearer or "")
            if record is None or record["exp"] <= self.now():
                raise EsvError(401, "Access Denied")  # inferred body
            if not {ESV_SCOPE, f"fr:idc:esv:{need}"} & set(record["scopes"]):
                raise EsvError(403, "Access Denied")  # inferred body
            return str(record["sub"])

    # secrets ---------------------------------------------------------------------------------

    def list_secrets(self) -> dict[str, Any]:
        with self.lock:
            esv = self._esv()
            result = [self._secret_doc(esv, s) for _, s in sorted(esv["secrets"].items())]
        return {
            "pagedResultsCookie": None,
            "remainingPagedResults": -1,
            "result": result,
            "resultCount": len(result),
            "totalPagedResults": -1,
            "totalPagedResultsPolicy": "NONE",
        }

    def get_secret(self, secret_id: str) -> dict[str, Any]:
        with self.lock:
            esv = self._esv()
            return self._secret_doc(esv, self._esv_secret(esv, secret_id, NO_SECRET))

    def create_secret(self, secret_id: str, body: Any, principal: str) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise EsvError(400, "The request body must be a JSON object")  # inferred
        if not SECRET_ID.match(secret_id):
            raise EsvError(400, f"Invalid secret id {secret_id}")  # inferred
        encoding = body.get("encoding", "generic")
        if encoding not in ENCODINGS:
            raise EsvError(400, f"Invalid encoding {encoding}")  # inferred
        _decoded(body.get("valueBase64"))
        with self.lock:
            esv = self._esv()
            if secret_id in esv["secrets"]:
                raise EsvError(409, f"Secret {secret_id} already exists")  # inferred
            esv["secrets"][secret_id] = {
                "_id": secret_id,
                "description": str(body.get("description") or ""),
                "encoding": encoding,
                "useInPlaceholders": bool(body.get("useInPlaceholders", True)),
                "versions": [],
            }
            self._add_version(esv["secrets"][secret_id], body["valueBase64"], principal)
            return self._secret_doc(esv, esv["secrets"][secret_id])

    def set_description(self, secret_id: str, body: Any, principal: str) -> None:
        description = body.get("description") if isinstance(body, dict) else None
        if not isinstance(description, str):
            raise EsvError(400, "description is required")  # inferred
        with self.lock:
            secret = self._esv_secret(self._esv(), secret_id, NO_SECRET)
            secret["description"] = description
            self._touch(secret, principal)

    def delete_secret(self, secret_id: str) -> dict[str, Any]:
        with self.lock:
            esv = self._esv()
            doc = self._secret_doc(esv, self._esv_secret(esv, secret_id, NO_SECRET))
            del esv["secrets"][secret_id]
            return doc

    # versions --------------------------------------------------------------------------------

    def list_versions(self, secret_id: str) -> list[dict[str, Any]]:
        with self.lock:
            esv = self._esv()
            secret = self._esv_secret(esv, secret_id, NO_SECRET)
            versions = sorted(secret["versions"], key=lambda v: -int(v["version"]))
            return [self._version_doc(esv, secret, v) for v in versions]

    def get_version(self, secret_id: str, version: str) -> dict[str, Any]:
        with self.lock:
            esv = self._esv()
            secret = self._esv_secret(esv, secret_id, "Failed to get secret version")
            found = self._esv_version(secret, version, "Failed to get secret version")
            return self._version_doc(esv, secret, found)

    def create_version(self, secret_id: str, body: Any, principal: str) -> dict[str, Any]:
        value = body.get("valueBase64") if isinstance(body, dict) else None
        with self.lock:
            esv = self._esv()
            secret = self._esv_secret(esv, secret_id, "Failed to create secret version")
            _decoded(value)
            added = self._add_version(secret, str(value), principal)
            return self._version_doc(esv, secret, added)

    def change_status(
        self, secret_id: str, version: str, body: Any, principal: str
    ) -> dict[str, Any]:
        status = body.get("status") if isinstance(body, dict) else None
        if status not in ("ENABLED", "DISABLED"):
            raise EsvError(400, "status must be ENABLED or DISABLED")  # inferred
        with self.lock:
            esv = self._esv()
            secret = self._esv_secret(esv, secret_id, NO_SECRET)
            found = self._esv_version(secret, version, NO_SECRET)
            if status == "DISABLED":
                self._keep_one_enabled(secret, found)
            found["status"] = status
            self._touch(secret, principal)
            return self._version_doc(esv, secret, found)

    def delete_version(self, secret_id: str, version: str, principal: str) -> dict[str, Any]:
        with self.lock:
            esv = self._esv()
            secret = self._esv_secret(esv, secret_id, NO_SECRET)
            found = self._esv_version(secret, version, NO_SECRET)
            self._keep_one_enabled(secret, found)
            secret["versions"].remove(found)
            self._touch(secret, principal)
            return {**self._version_doc(esv, secret, found), "status": "DESTROYED"}

    # startup ---------------------------------------------------------------------------------

    def restart_status(self) -> dict[str, str]:
        with self.lock:
            return {"restartStatus": "restarting" if self._esv()["restart"] else "ready"}

    def restart(self) -> dict[str, str]:
        """Start a restart that loads the currently active versions (one at a time)."""
        with self.lock:
            esv = self._esv()
            if esv["restart"] is None:  # inferred: no second restart while one runs
                seconds = float(self.state["config"].get("restartSeconds", DEFAULT_RESTART_SECONDS))
                esv["restart"] = {
                    "until": self.now() + seconds,
                    "load": {
                        sid: active["version"]
                        for sid, s in esv["secrets"].items()
                        if (active := self._active(s)) is not None
                    },
                }
            return {"restartStatus": "restarting"}

    def _finish_restart(self, esv: dict[str, Any]) -> None:
        pending = esv.get("restart")
        if pending is None or self.now() < pending["until"]:
            return
        loaded: dict[str, Any] = {}
        for sid, version in pending["load"].items():
            versions = esv["secrets"].get(sid, {}).get("versions", [])
            found = next((v for v in versions if v["version"] == version), None)
            if found is not None:
                loaded[sid] = {"version": version, "valueBase64": found["valueBase64"]}
        esv["loaded"], esv["restart"] = loaded, None

    # placeholders ----------------------------------------------------------------------------

    def signing_secret_in_effect(self, realm: str) -> str | None:
        """The realm's signing secret as AM uses it: the literal (or tenant) secret, or the
        *loaded* value of the ESV its `&{esv.x}` placeholder names; None if unresolvable."""
        with self.lock:
            record = self.realm(realm)
            reference = record.get("secretRef")
            secret_id = esv_id_of(reference) if reference else None
            if secret_id is None:
                return str(record["secret"])
            loaded = self._esv()["loaded"].get(secret_id)
            if loaded is None:
                return None
            return base64.b64decode(loaded["valueBase64"]).decode("utf-8", "replace")

    # helpers ---------------------------------------------------------------------------------

    @staticmethod
    def _esv_secret(esv: dict[str, Any], secret_id: str, missing: str) -> dict[str, Any]:
        secret: dict[str, Any] | None = esv["secrets"].get(secret_id)
        if secret is None:
            raise EsvError(404, missing)
        return secret

    @staticmethod
    def _esv_version(secret: dict[str, Any], version: str, missing: str) -> dict[str, Any]:
        versions: list[dict[str, Any]] = secret["versions"]
        found = next((v for v in versions if v["version"] == version), None)
        if found is None:
            raise EsvError(404, missing)
        return found

    @staticmethod
    def _active(secret: dict[str, Any]) -> dict[str, Any] | None:
        enabled = [v for v in secret["versions"] if v["status"] == "ENABLED"]
        return max(enabled, key=lambda v: int(v["version"])) if enabled else None

    def _keep_one_enabled(self, secret: dict[str, Any], leaving: dict[str, Any]) -> None:
        others = [v for v in secret["versions"] if v is not leaving and v["status"] == "ENABLED"]
        if not others:  # inferred
            raise EsvError(400, "A secret must keep at least one enabled version")

    def _add_version(self, secret: dict[str, Any], value: str, principal: str) -> dict[str, Any]:
        number = 1 + max((int(v["version"]) for v in secret["versions"]), default=0)
        version = {
            "version": str(number),
            "createDate": iso_micro(self.now()),
            "status": "ENABLED",
            "valueBase64": value,
        }
        secret["versions"].append(version)
        self._touch(secret, principal)
        return version

    def _touch(self, secret: dict[str, Any], principal: str) -> None:
        secret["lastChangeDate"] = iso_micro(self.now())
        secret["lastChangedBy"] = principal

    def _secret_doc(self, esv: dict[str, Any], secret: dict[str, Any]) -> dict[str, Any]:
        active = self._active(secret)
        loaded = esv["loaded"].get(secret["_id"])
        active_version = active["version"] if active else ""
        loaded_version = loaded["version"] if loaded else ""
        return {
            "_id": secret["_id"],
            "activeVersion": active_version,
            "description": secret["description"],
            "encoding": secret["encoding"],
            "lastChangeDate": secret["lastChangeDate"],
            "lastChangedBy": secret["lastChangedBy"],
            "loaded": bool(loaded_version) and loaded_version == active_version,
            "loadedVersion": loaded_version,
            "useInPlaceholders": secret["useInPlaceholders"],
        }

    @staticmethod
    def _version_doc(
        esv: dict[str, Any], secret: dict[str, Any], version: dict[str, Any]
    ) -> dict[str, Any]:
        loaded = esv["loaded"].get(secret["_id"])
        return copy.deepcopy(
            {
                "createDate": version["createDate"],
                "loaded": loaded is not None and loaded["version"] == version["version"],
                "status": version["status"],
                "version": version["version"],
            }
        )
