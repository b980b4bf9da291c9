"""Credentials and clients for the provider process, read at call time and never pickled.

The stack's provider configuration (`aic-sessions:saId`, `saJwk`, `adminUsername`,
`adminPassword`, `accessToken`, `verifyTls`, `caBundle`; secrets decrypted by the engine) arrives
through `ResourceProvider.configure`. Its keys live in the fixed `aic-sessions` namespace whatever
the consuming project is called. It is kept in this module, not on the provider instance, so no
credential can end up in the pickled provider in state. Without stack configuration the client
reads the environment (`AIC_*`, `AM_ADMIN_*`, `FRODO_*`).

The engine starts the provider process for one operation (`up`, `refresh`, `destroy`), so this
module's `DeploymentReadCache`, shared by every client of the process, lives for exactly one
deployment: each realm's documents are read at most once in it.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from aic_sessions.client.read_cache import DeploymentReadCache
from aic_sessions.client.realms import realm_display

if TYPE_CHECKING:
    from aic_sessions.client.client import AdminClient
    from aic_sessions.client.settings import ConnectionSettings

_lock = threading.Lock()
_stack_config: dict[str, str] = {}
_clients: dict[str, AdminClient] = {}
_realm_locks: dict[tuple[str, str], threading.Lock] = {}
read_cache = DeploymentReadCache()  # this process = this deployment

CONFIG_NAMESPACE = "aic-sessions"
CONFIG_KEYS = (
    "saId",
    "saJwk",
    "adminUsername",
    "adminPassword",
    "accessToken",
    "verifyTls",
    "caBundle",
    "fingerprintKey",
)


def config_key(key: str) -> str:
    """`saId` -> `aic-sessions:saId`: provider configuration is read under our own namespace."""
    return f"{CONFIG_NAMESPACE}:{key}"


def remember_stack_config(values: Mapping[str, Any]) -> None:
    """Keep the provider configuration of this deployment (called from `configure`)."""
    fresh = {k: str(v) for k, v in values.items() if v not in (None, "")}
    with _lock:
        if fresh != _stack_config:  # every provider class calls this; keep clients if unchanged
            _stack_config.clear()
            _stack_config.update(fresh)
            _clients.clear()
            read_cache.clear()


def new_deployment() -> None:
    """Forget this process's clients and what it has read, as a new provider process would
    (for tests that run several deployments in one process)."""
    with _lock:
        _clients.clear()
    read_cache.clear()


def stack_setting(key: str) -> str | None:
    """One provider-configuration value of this deployment, if set."""
    with _lock:
        return _stack_config.get(key)


def settings_for(base_url: str) -> ConnectionSettings:
    """Connection settings for a tenant: stack configuration first, then the environment."""
    from aic_sessions.client.settings import ConnectionSettings  # not needed by check / diff

    with _lock:
        cfg = dict(_stack_config)
    env = dict(os.environ)
    mapping = {
        "saId": "AIC_SA_ID",
        "saJwk": "AIC_SA_JWK",
        "adminUsername": "AM_ADMIN_USERNAME",
        "adminPassword": "AM_ADMIN_PASSWORD",
        "accessToken": "AIC_ACCESS_TOKEN",
    }
    if any(key in cfg for key in mapping):  # stack credentials replace environment ones
        for variable in (*mapping.values(), "AIC_SA_JWK_FILE", "FRODO_SA_ID", "FRODO_SA_JWK"):
            env.pop(variable, None)
        env.update({mapping[k]: v for k, v in cfg.items() if k in mapping})
    overrides: dict[str, Any] = {"base_url": base_url}
    if "verifyTls" in cfg:
        overrides["verify_tls"] = cfg["verifyTls"].lower() not in ("false", "0", "no")
    if "caBundle" in cfg:
        overrides["ca_bundle"] = cfg["caBundle"]
    return ConnectionSettings.from_env(env, **overrides)


def client_for(base_url: str) -> AdminClient:
    """One shared client per tenant and credentials within this process."""
    from aic_sessions.client.client import AdminClient  # the HTTP stack, only when needed

    settings = settings_for(base_url)
    key = hashlib.sha256(settings.model_dump_json().encode() + _secret_bytes(settings)).hexdigest()
    with _lock:
        client = _clients.get(key)
        if client is None:
            client = _clients[key] = AdminClient(settings, reads=read_cache)
        return client


def realm_lock(base_url: str, realm: str) -> threading.Lock:
    """Serialises this process's writes to one realm (all three resource kinds share it)."""
    with _lock:
        key = (base_url.rstrip("/"), realm_display(realm))  # "alpha", "/alpha", "root/alpha"
        return _realm_locks.setdefault(key, threading.Lock())


def _secret_bytes(settings: ConnectionSettings) -> bytes:
    auth = settings.auth
    secret = getattr(auth, "private_jwk", None) or getattr(auth, "password", None)
    secret = secret or getattr(auth, "access_token", None)
    return secret.get_secret_value().encode() if secret else b""
