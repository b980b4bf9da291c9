"""Helpers for the emulator tests: signed assertions, tokens, admin and user logins."""

from __future__ import annotations

import time
import uuid
from typing import Any

import jwt
import requests
from aic_emulator.testing import EmulatorServer

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
CONFIG = "/realm-config/authentication"
ALPHA = "/json/realms/root/realms/alpha"
USER = ("demo", "Ch4ng3!t")


def assertion(emu: EmulatorServer, sa_id: str, private_jwk: dict[str, Any], **claims: Any) -> str:
    payload = {
        "iss": sa_id,
        "sub": sa_id,
        "aud": f"{emu.base_url}/oauth2/access_token",
        "exp": int(time.time()) + 180,
        "jti": str(uuid.uuid4()),
        **claims,
    }
    key = jwt.PyJWK(private_jwk, algorithm="RS256").key
    return jwt.encode(payload, key, algorithm="RS256")


def grant(emu: EmulatorServer, signed: str, scope: str = "fr:am:*") -> requests.Response:
    form = {
        "grant_type": JWT_BEARER,
        "client_id": "service-account",
        "assertion": signed,
        "scope": scope,
    }
    return requests.post(f"{emu.base_url}/oauth2/access_token", data=form, timeout=10)


def sa_headers(emu: EmulatorServer, scope: str = "fr:am:*") -> dict[str, str]:
    sa_id, private = emu.service_account
    response = grant(emu, assertion(emu, sa_id, private), scope)
    response.raise_for_status()
    return {
        "Authorization": f"Bearer {response.json()['access_token']}",
        "Accept-API-Version": "protocol=2.1,resource=1.0",
    }


def admin_headers(emu: EmulatorServer) -> dict[str, str]:
    token = login(emu, "/json/realms/root", *emu.admin)["tokenId"]
    return {
        "Cookie": f"{emu.cookie_name}={token}",
        "Accept-API-Version": "protocol=2.1,resource=1.0",
    }


def headers(emu: EmulatorServer) -> dict[str, str]:
    return sa_headers(emu) if emu.flavour == "aic" else admin_headers(emu)


def login(emu: EmulatorServer, realm_path: str, username: str, password: str) -> dict[str, Any]:
    response = requests.post(
        f"{emu.base_url}{realm_path}/authenticate",
        headers={
            "X-OpenAM-Username": username,
            "X-OpenAM-Password": password,
            "Accept-API-Version": "resource=2.0, protocol=1.0",
        },
        json={},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def get_settings(emu: EmulatorServer, hdrs: dict[str, str], path: str = ALPHA) -> requests.Response:
    return requests.get(f"{emu.base_url}{path}{CONFIG}", headers=hdrs, timeout=10)


def put_settings(
    emu: EmulatorServer, hdrs: dict[str, str], body: Any, path: str = ALPHA
) -> requests.Response:
    return requests.put(f"{emu.base_url}{path}{CONFIG}", headers=hdrs, json=body, timeout=10)
