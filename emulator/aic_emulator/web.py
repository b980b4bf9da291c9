"""HTTP helpers shared by the blueprints: body parsing, credentials and AM-style responses."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, current_app, request

from aic_emulator import versions
from aic_emulator.documents import etag_of
from aic_emulator.errors import BadRequest, UnsupportedMediaType

JSON_TYPE = "application/json;charset=UTF-8"


def emulator() -> Any:
    """The Emulator bound to the running app."""
    return current_app.config["EMULATOR"]


def api_version(supported: list[str]) -> tuple[versions.ApiVersion, str]:
    """The parsed Accept-API-Version header and the resource version to answer with."""
    parsed = versions.parse(request.headers.get("Accept-API-Version"))
    return parsed, versions.negotiate(parsed.resource, supported)


def json_body(require_json: bool = False) -> Any:
    """The JSON body; `{}` when empty (unless a JSON content type is required)."""
    mimetype = request.mimetype
    if require_json and mimetype != "application/json":
        raise UnsupportedMediaType(
            f"Unsupported Media Type: expected application/json, got {mimetype or 'none'}"
        )
    raw = request.get_data(cache=True)
    if not raw.strip():
        if require_json:
            raise BadRequest("The request body must be a JSON object.")
        return {}
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(
            "The request could not be processed because the provided content is not valid JSON"
        ) from exc


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def session_token(cookie_name: str) -> str | None:
    """The session token from the cookie or from a header of the cookie's name (frodo)."""
    return request.cookies.get(cookie_name) or request.headers.get(cookie_name)


def json_response(
    body: Any, status: int = 200, version: str | None = None, content_type: str = JSON_TYPE
) -> Response:
    response = Response(json.dumps(body, separators=(",", ":")), status, content_type=content_type)
    if version is not None:
        response.headers["Content-API-Version"] = f"resource={version}"
    response.headers["Cache-Control"] = "private"
    return response


def document_response(doc: dict[str, Any], parsed: versions.ApiVersion, version: str) -> Response:
    """A config document with its ETag (and `_rev` in the body under protocol 2.x)."""
    rev = etag_of(doc)
    body = dict(doc)
    if parsed.protocol_major >= 2:
        body["_rev"] = rev
    response = json_response(body, version=version)
    response.headers["ETag"] = f'"{rev}"'
    return response
