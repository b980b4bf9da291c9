"""Handlers for login, sessions and the OAuth2 token endpoint (called from `routes.py`)."""

from __future__ import annotations

import re
from typing import Any

from flask import Response, request

from aic_emulator.errors import BadRequest, OAuth2Error
from aic_emulator.web import (
    api_version,
    bearer_token,
    emulator,
    json_body,
    json_response,
    session_token,
)

AUTHENTICATE_VERSIONS = ["1.1", "2.1"]
SESSION_VERSIONS = ["1.2", "2.1", "3.1", "4.0", "5.1"]
_FILTER_CLAUSE = re.compile(r'^\s*(\w+)\s+eq\s+"([^"]*)"\s*$')
_OWN_TOKEN_ACTIONS = {"getSessionInfo", "validate", "refresh", "logout"}


def authenticate(realm: str) -> Response:
    _, version = api_version(AUTHENTICATE_VERSIONS)
    tree = request.args.get("authIndexValue") or "Login"
    username = request.headers.get("X-OpenAM-Username")
    password = request.headers.get("X-OpenAM-Password")
    store = emulator().store
    result = store.authenticate(realm, username, password, json_body(), tree)
    response = json_response(result, version=version, content_type="application/json")
    if "tokenId" in result:
        response.set_cookie(store.cookie_name, result["tokenId"], path="/", httponly=True)
        response.set_cookie("amlbcookie", "01", path="/", httponly=True)
    return response


def sessions(realm: str) -> Response:
    _, version = api_version(SESSION_VERSIONS)
    store = emulator().store
    if request.method == "GET":
        _admin(store)
        return json_response(_query(realm), version=version)
    action = request.args.get("_action", "")
    body = json_body()
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object.")
    if action in _OWN_TOKEN_ACTIONS:
        return json_response(_own_token_action(store, action, body), version=version)
    _admin(store)
    if action == "logoutByHandle":
        return json_response(store.logout_by_handle(body.get("sessionHandles")), version=version)
    if action == "logoutByUser":
        return json_response(store.logout_by_user(realm, body.get("username")), version=version)
    raise BadRequest(f"Action '{action}' not supported")


def _own_token_action(store: Any, action: str, body: dict[str, Any]) -> dict[str, Any]:
    token = body.get("tokenId") or session_token(store.cookie_name)
    if not isinstance(token, str) or not token:
        raise BadRequest("tokenId is required")
    if action == "validate":
        result: dict[str, Any] = store.validate(token)
    elif action == "logout":
        result = store.logout(token)
    else:
        result = store.session_info(token, refresh=action == "refresh")
    return result


def _admin(store: Any) -> None:
    store.authorize_admin(bearer_token(), session_token(store.cookie_name))


def parse_query_filter(text: str | None) -> dict[str, str]:
    """`username eq "x" and realm eq "/alpha"` -> {"username": "x", "realm": "/alpha"}."""
    if text is None or text.strip() == "true":
        return {}
    filters: dict[str, str] = {}
    for clause in re.split(r"\s+and\s+", text.strip()):
        match = _FILTER_CLAUSE.match(clause)
        if match is None or match.group(1) not in ("username", "realm", "universalId"):
            raise BadRequest(f"Unsupported query filter: {text}")
        filters[match.group(1)] = match.group(2)
    return filters


def _query(realm: str) -> dict[str, Any]:
    filters = parse_query_filter(request.args.get("_queryFilter"))
    filters.setdefault("realm", realm)
    result = emulator().store.query_sessions(filters)
    return {
        "result": result,
        "resultCount": len(result),
        "pagedResultsCookie": None,
        "totalPagedResultsPolicy": "NONE",
        "totalPagedResults": -1,
        "remainingPagedResults": -1,
    }


def access_token() -> Response:
    if request.mimetype != "application/x-www-form-urlencoded":
        raise OAuth2Error(
            "invalid_request", "Content type must be application/x-www-form-urlencoded"
        )
    token_url = request.base_url
    result = emulator().store.token_grant(request.form.to_dict(), token_url)
    response = json_response(result, content_type="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


AUTHORIZE_ERROR_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>OAuth2 Error Page</title></head>
<body style="display:none"><div id="wrapper">Loading...</div>
<script type="text/javascript">
pageData = {realm : "\\/", error: {description: "Client authentication failed",
message: "invalid_client"}}
</script></body></html>
"""


def authorize() -> Response:
    """No OAuth2 clients are registered: AM's HTML error page for an unknown client."""
    response = Response(AUTHORIZE_ERROR_PAGE, 400, content_type="text/html;charset=UTF-8")
    response.headers["Cache-Control"] = "no-store"
    return response
