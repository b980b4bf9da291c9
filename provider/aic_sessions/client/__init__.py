"""The AM / Advanced Identity Cloud admin-API client. It never imports Pulumi.

Names are loaded on first use: the resources' `check` and `diff` (and the Pulumi program) need
only the models, so they do not pay for importing requests, PyJWT and tenacity.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .client import AdminClient
    from .errors import (
        AdminApiError,
        AuthenticationError,
        ConfigurationError,
        ConflictError,
        DeadlineExceeded,
        EnvironmentLockedError,
        EsvNotFoundError,
        ImmutableEnvironmentError,
        InvalidRequestError,
        NotFoundError,
        PermissionDeniedError,
        PromotionFailed,
        PromotionTimeoutError,
        RateLimitedError,
        RedirectedError,
        RequestContext,
        RestartTimeoutError,
        ServerError,
        TransportError,
    )
    from .esv import EsvClient, EsvSecret, EsvVersion
    from .models import (
        AuthenticationSettings,
        AuthenticationSettingsPatch,
        SessionInfo,
        SessionServicePatch,
        SessionServiceSettings,
        StoredSession,
    )
    from .promotion import PromotionClient
    from .promotion_models import (
        LockState,
        PromotionReport,
        PromotionReportStub,
        PromotionStatus,
    )
    from .realms import realm_display, realm_path
    from .settings import (
        AdminAuth,
        BearerAuth,
        ConnectionSettings,
        RetryBudget,
        ServiceAccountAuth,
        Timeouts,
    )
    from .tokens import TokenKind, classify_token
    from .values import SecretForm, StateManagement

_MODULE_OF = {
    "AdminApiError": "errors",
    "AdminAuth": "settings",
    "AdminClient": "client",
    "AuthenticationError": "errors",
    "AuthenticationSettings": "models",
    "AuthenticationSettingsPatch": "models",
    "BearerAuth": "settings",
    "ConfigurationError": "errors",
    "ConflictError": "errors",
    "ConnectionSettings": "settings",
    "DeadlineExceeded": "errors",
    "InvalidRequestError": "errors",
    "NotFoundError": "errors",
    "PermissionDeniedError": "errors",
    "RateLimitedError": "errors",
    "RedirectedError": "errors",
    "RequestContext": "errors",
    "RetryBudget": "settings",
    "SecretForm": "values",
    "ServerError": "errors",
    "ServiceAccountAuth": "settings",
    "SessionInfo": "models",
    "SessionServicePatch": "models",
    "SessionServiceSettings": "models",
    "StateManagement": "values",
    "StoredSession": "models",
    "Timeouts": "settings",
    "TokenKind": "tokens",
    "TransportError": "errors",
    "classify_token": "tokens",
    "realm_display": "realms",
    "realm_path": "realms",
    "EsvClient": "esv",
    "EsvNotFoundError": "errors",
    "EsvSecret": "esv",
    "EsvVersion": "esv",
    "RestartTimeoutError": "errors",
    "EnvironmentLockedError": "errors",
    "ImmutableEnvironmentError": "errors",
    "PromotionFailed": "errors",
    "PromotionTimeoutError": "errors",
    "LockState": "promotion_models",
    "PromotionClient": "promotion",
    "PromotionReport": "promotion_models",
    "PromotionReportStub": "promotion_models",
    "PromotionStatus": "promotion_models",
}


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "AdminApiError",
    "AdminAuth",
    "AdminClient",
    "AuthenticationError",
    "AuthenticationSettings",
    "AuthenticationSettingsPatch",
    "BearerAuth",
    "ConfigurationError",
    "ConflictError",
    "ConnectionSettings",
    "DeadlineExceeded",
    "EnvironmentLockedError",
    "EsvClient",
    "EsvNotFoundError",
    "EsvSecret",
    "EsvVersion",
    "ImmutableEnvironmentError",
    "InvalidRequestError",
    "LockState",
    "NotFoundError",
    "PermissionDeniedError",
    "PromotionClient",
    "PromotionFailed",
    "PromotionReport",
    "PromotionReportStub",
    "PromotionStatus",
    "PromotionTimeoutError",
    "RateLimitedError",
    "RedirectedError",
    "RequestContext",
    "RestartTimeoutError",
    "RetryBudget",
    "SecretForm",
    "ServerError",
    "ServiceAccountAuth",
    "SessionInfo",
    "SessionServicePatch",
    "SessionServiceSettings",
    "StateManagement",
    "StoredSession",
    "Timeouts",
    "TokenKind",
    "TransportError",
    "classify_token",
    "realm_display",
    "realm_path",
]
