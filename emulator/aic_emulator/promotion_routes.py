"""The `/environment/promotion` blueprint: thin handlers over `promotion.Promotions`.

Served by every tenant; only an upper tenant of a promotion group has a tenant below to pull
from. A tenant outside any group (a sandbox) answers 404; the group's lowest tenant answers
the inferred "no lower environment" error. Calls need a bearer token with `fr:idc:promotion:*`.
"""

from __future__ import annotations

from typing import Any

from aic_sessions.client import inferred
from flask import Blueprint, Response, request

from aic_emulator.errors import Forbidden, NotFound, StatusError, Unauthorized
from aic_emulator.promotion import Promotions
from aic_emulator.web import bearer_token, emulator, json_body, json_response

PROMOTION_SCOPE = "fr:idc:promotion:*"

bp = Blueprint("promotion", __name__, url_prefix="/environment/promotion")


def _promotions() -> Promotions:
    current = emulator()
    _authorize(current.store)
    group = getattr(current, "group", None)
    if group is None:
        raise NotFound("Not Found")
    promotions: Promotions | None = group.promotions_of(current)
    if promotions is None:
        raise StatusError(
            inferred.NO_LOWER_ENVIRONMENT_STATUS, inferred.NO_LOWER_ENVIRONMENT_MESSAGE
        )
    return promotions


def _authorize(store: Any) -> None:
    with store.lock:
        record = store.state["accessTokens"].get(bearer_token() or "")
        if record is None or record["exp"] <= store.now():
            raise Unauthorized()
        if PROMOTION_SCOPE not in record["scopes"]:
            raise Forbidden("Access Denied")


def _answer(body: Any, status: int = 200) -> Response:
    return json_response(body, status, content_type="application/json")


@bp.get("/lock/state")
def lock_state() -> Response:
    return _answer(_promotions().lock_state())


@bp.post("/lock")
def lock() -> Response:
    promotions = _promotions()
    busy = emulator().group.busy(promotions)
    return _answer(promotions.lock(json_body(), busy))


@bp.delete("/lock/<promotion_id>")
def unlock(promotion_id: str) -> Response:
    return _answer(_promotions().unlock(promotion_id))


@bp.route("/promote", methods=["GET", "POST"])
def promote() -> Response:
    promotions = _promotions()
    if request.method == "GET":
        return _answer(promotions.status())
    return _answer(promotions.promote(json_body()))


@bp.post("/rollback")
def rollback() -> Response:
    return _answer(_promotions().rollback(json_body()))


@bp.get("/report")
def last_report() -> Response:
    return _answer(_promotions().report(None))


@bp.get("/report/provisional")
def provisional_report() -> Response:
    return _answer(_promotions().provisional())


@bp.get("/report/provisional-rollback")
def provisional_rollback_report() -> Response:
    return _answer(_promotions().provisional_rollback())


@bp.get("/report/<report_id>")
def report(report_id: str) -> Response:
    return _answer(_promotions().report(report_id))


@bp.get("/reports")
def reports() -> Response:
    return _answer(_promotions().reports())
