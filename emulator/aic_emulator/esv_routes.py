"""The `/environment` blueprint (AIC only): ESV secrets and tenant restarts, thin handlers.

Paths and answers as recorded: `GET|PUT|DELETE /environment/secrets[/<id>]`,
`POST .../<id>?_action=setDescription` (200, empty body), `GET .../<id>/versions[/<n>]`,
`POST .../versions?_action=create`, `POST .../versions/<n>?_action=changestatus`,
`DELETE .../versions/<n>`, `GET /environment/startup`, `POST ...?_action=restart`.
Answers are `application/json`, as the 2026 recordings show (the 2024 ones of the secrets
API say `application/json; charset=UTF-8`); none sends `Content-API-Version` or an ETag.
Calls need a bearer token with an ESV scope (see `esv.py`).
`GET /environment/variables` answers an empty page: ESV variables are not emulated (frodo's
`esv apply` reads them to decide whether a restart is needed).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from aic_emulator.esv import EsvError
from aic_emulator.web import bearer_token, emulator, json_body, json_response

SECRETS_TYPE = STARTUP_TYPE = "application/json"

bp = Blueprint("esv", __name__, url_prefix="/environment")


def _store(need: str) -> tuple[Any, str]:
    store = emulator().store
    if store.flavour != "aic":
        raise EsvError(404, "Not Found")  # self-managed AM has no environment API
    return store, store.authorize_esv(bearer_token(), need)


def _answer(body: Any, content_type: str = SECRETS_TYPE, status: int = 200) -> Response:
    response = json_response(body, status, content_type=content_type)
    del response.headers["Cache-Control"]
    return response


@bp.errorhandler(EsvError)
def _esv_error(exc: EsvError) -> Response:
    """Errors of this API as recorded: `{"code","message"}`, the secrets' content type."""
    return _answer(exc.body(), status=exc.status)


def _action(expected: str) -> None:
    action = request.args.get("_action")
    if action != expected:
        raise EsvError(400, f"Unsupported action {action}")  # inferred


@bp.get("/secrets")
def list_secrets() -> Response:
    store, _ = _store("read")
    return _answer(store.list_secrets())


@bp.get("/variables")
def list_variables() -> Response:
    _store("read")
    empty: dict[str, Any] = {"pagedResultsCookie": None, "remainingPagedResults": -1, "result": []}
    return _answer(
        {**empty, "resultCount": 0, "totalPagedResults": -1, "totalPagedResultsPolicy": "NONE"}
    )


@bp.route("/secrets/<secret_id>", methods=["GET", "PUT", "DELETE", "POST"])
def secret(secret_id: str) -> Response:
    store, principal = _store("read" if request.method == "GET" else "update")
    if request.method == "GET":
        return _answer(store.get_secret(secret_id))
    if request.method == "PUT":
        return _answer(store.create_secret(secret_id, json_body(), principal))
    if request.method == "DELETE":
        return _answer(store.delete_secret(secret_id))
    _action("setDescription")
    store.set_description(secret_id, json_body(), principal)
    response = Response(b"", 200)
    response.headers.pop("Content-Type", None)
    return response


@bp.route("/secrets/<secret_id>/versions", methods=["GET", "POST"])
def versions(secret_id: str) -> Response:
    store, principal = _store("read" if request.method == "GET" else "update")
    if request.method == "GET":
        return _answer(store.list_versions(secret_id))
    _action("create")
    return _answer(store.create_version(secret_id, json_body(), principal))


@bp.route("/secrets/<secret_id>/versions/<version>", methods=["GET", "POST", "DELETE"])
def version(secret_id: str, version: str) -> Response:
    store, principal = _store("read" if request.method == "GET" else "update")
    if request.method == "GET":
        return _answer(store.get_version(secret_id, version))
    if request.method == "DELETE":
        return _answer(store.delete_version(secret_id, version, principal))
    _action("changestatus")
    return _answer(store.change_status(secret_id, version, json_body(), principal))


@bp.route("/startup", methods=["GET", "POST"])
def startup() -> Response:
    store, _ = _store("read" if request.method == "GET" else "restart")
    if request.method == "GET":
        return _answer(store.restart_status(), STARTUP_TYPE)
    _action("restart")
    return _answer(store.restart(), STARTUP_TYPE)
