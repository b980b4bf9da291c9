"""The control API under `/__emulator` (JSON, no auth, never counted). See the package
docstring for the list of endpoints."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from aic_emulator import static_config
from aic_emulator.errors import BadRequest
from aic_emulator.faults import parse_fault
from aic_emulator.state import realm_name
from aic_emulator.web import emulator, json_body, json_response

bp = Blueprint("control", __name__, url_prefix="/__emulator")


def _object_body() -> dict[str, Any]:
    body = json_body()
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object.")
    return body


def _realm(name: Any) -> str:
    """`alpha`, `/alpha`, `a/b` or `root` -> AM realm name."""
    text = str(name or "").strip("/")
    return "/" if text in ("", "root") else realm_name(text.split("/"))


def _string_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


@bp.post("/reset")
def reset() -> Response:
    emulator().reset()
    return json_response({"reset": True})


@bp.post("/snapshots")
def snapshot_save() -> Response:
    name = _object_body().get("name")
    if not isinstance(name, str) or not name:
        raise BadRequest("name must be a non-empty string")
    emulator().save_snapshot(name)
    return json_response({"saved": name}, 201)


@bp.post("/snapshots/<name>/restore")
def snapshot_restore(name: str) -> Response:
    try:
        emulator().restore_snapshot(name)
    except KeyError:
        raise BadRequest(f"no snapshot named {name!r}; save one first") from None
    return json_response({"restored": name})


@bp.post("/users")
def add_user() -> Response:
    body = _object_body()
    realm = _realm(body.get("realm"))
    emulator().store.add_user(realm, str(body.get("username") or ""), body.get("password"))
    return json_response({"realm": realm, "username": body["username"]}, 201)


@bp.post("/service-accounts")
def add_service_account() -> Response:
    body = _object_body()
    scopes = body.get("scopes")
    if scopes is not None and not (
        isinstance(scopes, list) and all(isinstance(s, str) for s in scopes)
    ):
        raise BadRequest("scopes must be an array of strings")
    jwk = body.get("publicJwk")
    if jwk is not None and not isinstance(jwk, dict):
        raise BadRequest("publicJwk must be a JWK object")
    account_id, private = emulator().store.add_service_account(body.get("id"), scopes, jwk)
    answer: dict[str, Any] = {"id": account_id}
    if private is not None:
        answer["privateJwk"] = private
    return json_response(answer, 201)


@bp.get("/requests")
def requests_get() -> Response:
    return json_response(emulator().requests.snapshot())


@bp.delete("/requests")
def requests_clear() -> Response:
    emulator().requests.clear()
    return json_response({"cleared": True})


@bp.post("/faults")
def faults_add() -> Response:
    emulator().faults.add(parse_fault(json_body()))
    return json_response({"added": True}, 201)


@bp.delete("/faults")
def faults_clear() -> Response:
    emulator().faults.clear()
    return json_response({"cleared": True})


@bp.post("/config")
def configure() -> Response:
    body = _object_body()
    store = emulator().store
    ttl = body.get("accessTokenTtl")
    if ttl is not None:
        if not isinstance(ttl, int) or isinstance(ttl, bool) or ttl < 1:
            raise BadRequest("accessTokenTtl must be a positive integer (seconds)")
        with store.lock:
            store.state["config"]["accessTokenTtl"] = ttl
    for key in ("restartSeconds", "lockSeconds", "promotionSeconds"):
        seconds = body.get(key)
        if seconds is None:
            continue
        if not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds < 0:
            raise BadRequest(f"{key} must be a number >= 0")
        with store.lock:
            store.state["config"][key] = float(seconds)
    return json_response(dict(store.state["config"]))


@bp.post("/clock")
def advance_clock() -> Response:
    seconds = _object_body().get("advanceSeconds", 0)
    if not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds < 0:
        raise BadRequest("advanceSeconds must be a number >= 0")
    emulator().store.advance_clock(float(seconds))
    return json_response({"clockOffset": emulator().store.state["clockOffset"]})


@bp.get("/realms/<path:name>/signing-secret-digest")
def secret_digest(name: str) -> Response:
    realm = _realm(name)
    return json_response({"realm": realm, "sha256": emulator().store.secret_digest(realm)})


@bp.get("/realms/<path:name>/static")
def static_get(name: str) -> Response:
    """The realm's static configuration as a promotion moves it (a literal secret unshown)."""
    realm = _realm(name)
    item = static_config.snapshot(emulator().store).get(realm)
    if item is None:
        raise BadRequest(f"unknown realm {realm}")
    signing = item["signing"]
    item["signing"] = {"literal": True} if "literal" in signing else signing
    return json_response(item)


@bp.route("/realms/<path:name>/static/<kind>/<uid>", methods=["PUT", "DELETE"])
def static_item(name: str, kind: str, uid: str) -> Response:
    """Seed or remove a journey or script (static configuration another team owns)."""
    store, realm = emulator().store, _realm(name)
    if request.method == "PUT":
        static_config.put_item(store, realm, kind, uid, json_body())
        return json_response({"realm": realm, "kind": kind, "uid": uid}, 201)
    return json_response({"deleted": static_config.delete_item(store, realm, kind, uid)})


@bp.get("/group")
def group() -> Response:
    """This tenant's promotion group: its members in order, and which one this is."""
    current = emulator()
    if current.group is None:
        return json_response({"members": [], "self": None})
    members = [{"name": m.name, "role": m.role} for m in current.group.members]
    return json_response({"members": members, "self": current.tenant.name})


@bp.get("/info")
def info() -> Response:
    store = emulator().store
    sa_id, _ = emulator().seeded_service_account
    return json_response(
        {
            "flavour": store.flavour,
            "cookieName": store.cookie_name,
            "realms": sorted(store.state["realms"]),
            "serviceAccountId": sa_id,
        }
    )
