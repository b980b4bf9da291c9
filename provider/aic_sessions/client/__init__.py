"""The AM / Advanced Identity Cloud admin-API client. It never imports Pulumi."""

from __future__ import annotations

from .client import AdminClient
from .errors import (
    AdminApiError,
    AuthenticationError,
    ConfigurationError,
    ConflictError,
    DeadlineExceeded,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    RequestContext,
    ServerError,
    TransportError,
)
from .models import (
    AuthenticationSettings,
    AuthenticationSettingsPatch,
    SecretForm,
    SessionInfo,
    SessionServicePatch,
    SessionServiceSettings,
    StateManagement,
    StoredSession,
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
    "InvalidRequestError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitedError",
    "RequestContext",
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
