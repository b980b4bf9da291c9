"""The `/am` blueprint: thin handlers (parse -> store -> JSON) for the admin API.

A realm path is a repeated `/realms/<name>` (root = `/realms/root`); `split_realm_path` turns
`realms/root/realms/alpha/realm-config/authentication` into (`/alpha`,
`realm-config/authentication`), and `REALM_RESOURCES` dispatches on the remainder.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, g, request

from aic_emulator import auth_routes, defaults, static_config
from aic_emulator.documents import etag_of
from aic_emulator.errors import BadRequest, MethodNotAllowed, NotFound
from aic_emulator.web import (
    api_version,
    bearer_token,
    document_response,
    emulator,
    json_body,
    json_response,
    session_token,
)

BASE_PATH = "/am"
CONFIG_VERSIONS = ["1.0", "2.0"]
SERVERINFO_VERSIONS = ["1.0", "1.1"]
VERSION_INFO = {
    "_id": "version",
    "version": "8.0.1",
    "fullVersion": "ForgeRock Access Management 8.0.1 Build b59bc0908346197b0c33afcb9e733d0400fe"
    "eea1 (2025-April-15 11:37)",
    "revision": "b59bc0908346197b0c33afcb9e733d0400feeea1",
    "date": "2025-April-15 11:37",
}

bp = Blueprint("am", __name__, url_prefix=BASE_PATH)


def split_realm_path(rest: str) -> tuple[str, str]:
    """(`/a/b`, resource) from `realms/root/realms/a/realms/b/<resource>`."""
    parts = [p for p in rest.split("/")]
    if parts[:2] != ["realms", "root"]:
        raise NotFound(f"Resource '{rest}' not found")
    names: list[str] = []
    index = 2
    while index + 1 < len(parts) and parts[index] == "realms" and parts[index + 1]:
        names.append(parts[index + 1])
        index += 2
    return "/" + "/".join(names), "/".join(parts[index:])


def require_admin() -> None:
    store = emulator().store
    store.authorize_admin(bearer_token(), session_token(store.cookie_name))


def serverinfo_doc(store: Any) -> dict[str, Any]:
    flavour_am = store.flavour == "am"
    return {
        "_id": "*",
        "domains": [],
        "protectedUserAttributes": ["telephoneNumber", "mail"],
        "cookieName": store.cookie_name,
        "secureCookie": not flavour_am,
        "forgotPassword": "false",
        "forgotUsername": "false",
        "kbaEnabled": "false",
        "selfRegistration": "false",
        "lang": "en-US",
        "successfulUserRegistrationDestination": "default",
        "socialImplementations": [],
        "referralsEnabled": "false",
        "zeroPageLogin": {"enabled": False, "refererWhitelist": [], "allowedWithoutReferer": True},
        "realm": "/",
        "xuiUserSessionValidationEnabled": True,
        "fileBasedConfiguration": False,
        "userIdAttributes": [],
        "nodeDesignerXuiEnabled": True,
    }


@bp.get("/json/serverinfo/<path:item>")
def serverinfo(item: str) -> Response:
    _, version = api_version(["1.0"] if item == "version" else SERVERINFO_VERSIONS)
    if item == "*":
        doc = serverinfo_doc(emulator().store)
    elif item == "version":
        doc = dict(VERSION_INFO)
    else:
        raise NotFound(f"Resource 'serverinfo/{item}' not found")
    rev = etag_of(doc)
    response = json_response({"_id": doc["_id"], "_rev": rev, **doc}, version=version)
    response.headers["ETag"] = f'"{rev}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/json/global-config/authentication", methods=["GET", "PUT", "POST"])
def global_authentication() -> Response:
    require_admin()
    parsed, version = api_version(CONFIG_VERSIONS)
    store = emulator().store
    if request.method == "POST":
        _require_action("schema")
        store.get_global_authentication()
        return json_response({"type": "object", "properties": {}}, version=version)
    if request.method == "PUT":
        doc = store.put_global_authentication(json_body(require_json=True))
    else:
        doc = store.get_global_authentication()
    return document_response(doc, parsed, version)


def _require_action(expected: str) -> None:
    action = request.args.get("_action")
    if action != expected:
        raise BadRequest(f"Action '{action}' not supported")


def answer_to_write(
    read: Callable[[], dict[str, Any]], write: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """The document a PUT answers: the one written, or, under a `stale-answer` fault, the one
    before the write (applied), or, under `ignored-write`, the one before (not applied)."""
    fault = g.get("write_answer")
    if fault is None:
        return write()
    before = read()
    if fault == "stale-answer":
        write()
    return before


def realm_authentication(realm: str) -> Response:
    require_admin()
    parsed, version = api_version(CONFIG_VERSIONS)
    store = emulator().store
    if request.method == "POST":
        _require_action("schema")
        return json_response(store.realm_authentication_schema(realm), version=version)
    if request.method == "PUT":
        body = json_body(require_json=True)
        doc = answer_to_write(
            lambda: store.get_realm_authentication(realm),
            lambda: store.put_realm_authentication(realm, body),
        )
    else:
        doc = store.get_realm_authentication(realm)
    return document_response(doc, parsed, version)


def session_service(realm: str) -> Response:
    require_admin()
    parsed, version = api_version(CONFIG_VERSIONS)
    store = emulator().store
    if request.method == "POST" and request.args.get("_action") == "template":
        template = {"dynamic": defaults.session_service()["dynamic"]}  # as OpenAM 16 answers
        return json_response(template, version=version)
    if request.method == "POST" and request.args.get("_action") == "nextdescendents":
        store.get_session_service(realm)
        return json_response({"result": []}, version=version)  # no sub-configurations
    if request.method == "POST":
        _require_action("create")
        doc = store.add_session_service(realm, json_body(require_json=True))
        response = document_response(doc, parsed, version)
        response.status_code = 201
        return response
    if request.method == "DELETE":
        store.remove_session_service(realm)
        return json_response({"_rev": "0", "success": True}, version=version)
    if request.method == "PUT":
        if_match = request.headers.get("If-Match") is not None
        body = json_body(require_json=True)
        doc = answer_to_write(
            lambda: store.get_session_service(realm),
            lambda: store.put_session_service(realm, body, if_match),
        )
    else:
        doc = store.get_session_service(realm)
    return document_response(doc, parsed, version)


REALM_RESOURCES: dict[str, tuple[set[str], Callable[[str], Response]]] = {
    "realm-config/authentication": ({"GET", "PUT", "POST"}, realm_authentication),
    "realm-config/services/session": ({"GET", "PUT", "POST", "DELETE"}, session_service),
    "authenticate": ({"POST"}, auth_routes.authenticate),
    "sessions": ({"GET", "POST"}, auth_routes.sessions),
    "sessions/": ({"GET", "POST"}, auth_routes.sessions),
}


# Static items other teams own, stored as the promotable snapshot keeps them (static_config).
ITEM_COLLECTIONS = {
    "realm-config/authentication/authenticationtrees/trees": "journeys",
    "scripts": "scripts",
}


def static_items(realm: str, kind: str, uid: str | None) -> Response:
    """Journeys and scripts: list (`_queryFilter`), read, create or replace, delete."""
    require_admin()
    store = emulator().store
    with store.lock:
        items = store._config_realm(realm).setdefault(kind, {})
        if uid is None:
            if request.method != "GET":
                raise MethodNotAllowed(f"Method {request.method} not supported")
            result = [{"_id": key, **doc} for key, doc in sorted(items.items())]
            return json_response({"result": result, "resultCount": len(result)})
        if request.method == "PUT":
            static_config.put_item(store, realm, kind, uid, json_body(require_json=True))
        elif request.method == "DELETE":
            if not static_config.delete_item(store, realm, kind, uid):
                raise NotFound(f"Resource '{uid}' not found")
            return json_response({"_id": uid})
        elif request.method != "GET":
            raise MethodNotAllowed(f"Method {request.method} not supported")
        if uid not in items:
            raise NotFound(f"Resource '{uid}' not found")
        return json_response({"_id": uid, **items[uid]})


def _static_item_route(resource: str) -> tuple[str, str | None] | None:
    """(kind, uid or None) when `resource` is a journey or script (collection or item)."""
    for prefix, kind in ITEM_COLLECTIONS.items():
        if resource == prefix:
            return kind, None
        if resource.startswith(prefix + "/") and "/" not in resource[len(prefix) + 1 :]:
            return kind, resource[len(prefix) + 1 :]
    return None


@bp.route("/json/<path:rest>", methods=["GET", "PUT", "POST", "DELETE", "PATCH"])
def realm_resource(rest: str) -> Response:
    realm, resource = split_realm_path(rest)
    item = _static_item_route(resource)
    if item is not None:
        return static_items(realm, *item)
    entry = REALM_RESOURCES.get(resource)
    if entry is None:
        raise NotFound(f"Resource '{resource}' not found")
    methods, handler = entry
    if request.method not in methods:
        raise MethodNotAllowed(f"Method {request.method} not supported")
    return handler(realm)


@bp.post("/oauth2/access_token")
@bp.post("/oauth2/realms/root/access_token")
def access_token() -> Response:
    return auth_routes.access_token()


@bp.post("/oauth2/authorize")
def authorize() -> Response:
    return auth_routes.authorize()
