"""Wire errors of the emulated service, one class per error the real service sends.

Every class knows its HTTP status and renders the body AM sends::

    EmulatorError                      CREST body {"code","reason","message","detail"?}
    +-- BadRequest (400)
    |   +-- InvalidAttribute (400)     detail.validAttributes lists the accepted attributes
    +-- Unauthorized (401)             "Access Denied" by default
    +-- Forbidden (403)
    |   +-- NotAvailableInCloud (403)  root realm / global config on AIC
    +-- NotFound (404)
    +-- UnsupportedMediaType (415)
    +-- ServiceUnavailable / generic StatusError (any status, for injected faults)
    OAuth2Error                        OAuth2 body {"error","error_description"}
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any


class EmulatorError(Exception):
    """An AM-shaped (CREST) error answer."""

    status = 500

    def __init__(self, message: str, detail: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail

    @property
    def reason(self) -> str:
        return HTTPStatus(self.status).phrase

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.status, "reason": self.reason, "message": self.message}
        if self.detail is not None:
            body["detail"] = self.detail
        return body

    def headers(self) -> dict[str, str]:
        return {}


class BadRequest(EmulatorError):
    status = 400


class InvalidAttribute(BadRequest):
    def __init__(self, valid_attributes: list[str]) -> None:
        super().__init__("Invalid attribute specified.", {"validAttributes": valid_attributes})


class Unauthorized(EmulatorError):
    status = 401

    def __init__(self, message: str = "Access Denied", detail: dict[str, Any] | None = None):
        super().__init__(message, detail)


class LoginFailure(Unauthorized):
    def __init__(self, message: str = "Login failure") -> None:
        super().__init__(message, {"failureUrl": ""})


class Forbidden(EmulatorError):
    status = 403


class NotAvailableInCloud(Forbidden):
    def __init__(self) -> None:
        super().__init__("This operation is not available in PingOne Advanced Identity Cloud.")


class NotFound(EmulatorError):
    status = 404


class Conflict(EmulatorError):
    status = 409


class MethodNotAllowed(EmulatorError):
    status = 405


class UnsupportedMediaType(EmulatorError):
    status = 415


class StatusError(EmulatorError):
    """Any status with a CREST body: used for injected faults."""

    def __init__(self, status: int, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)} if self.retry_after is not None else {}


class OAuth2Error(Exception):
    """An OAuth2 endpoint error: {"error","error_description"}."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status = status

    def body(self) -> dict[str, Any]:
        return {"error": self.error, "error_description": self.description}
