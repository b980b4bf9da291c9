"""`EmulatorServer`: the real HTTP emulator on 127.0.0.1, an ephemeral port, in a thread.

    with EmulatorServer(flavour="am") as emu:
        requests.get(emu.base_url + "/json/serverinfo/*")
        emu.inject_fault(method="PUT", path="authentication", kind="status", status=503)

    with start_group() as group:          # development, staging, production
        group.base_urls["staging"]        # http://127.0.0.1:<port>/am
        group["staging"].request_counts()

The helper methods go through the control API (`/__emulator`), like any other client would.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import requests
from werkzeug.serving import BaseWSGIServer, make_server

from aic_emulator.app import Emulator, QuietRequestHandler, create_app
from aic_emulator.group import PromotionGroup
from aic_emulator.state import DEFAULT_ADMIN

# How often the serving thread looks whether `stop` asked it to end (werkzeug's default 0.5 s
# is paid by every stop).
STOP_POLL_SECONDS = 0.05


class EmulatorServer:
    """A threaded werkzeug server running the emulator (context manager)."""

    def __init__(
        self,
        flavour: str = "aic",
        realms: list[str] | None = None,
        admin: tuple[str, str] = DEFAULT_ADMIN,
        state_file: Path | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        emulator: Emulator | None = None,
    ) -> None:
        self.emulator = emulator or Emulator(flavour, realms, admin, state_file)
        self.flavour = flavour
        self.admin = admin
        self._server: BaseWSGIServer = make_server(
            host,
            port,
            create_app(self.emulator),
            threaded=True,
            request_handler=QuietRequestHandler,
        )
        self._thread: threading.Thread | None = None
        self.root_url = f"http://{host}:{self._server.server_port}"
        self.base_url = f"{self.root_url}/am"
        self.http = requests.Session()

    def start(self) -> EmulatorServer:
        """Serve in a thread; a second call is a no-op (`with start_group()` starts twice, and
        a second serving thread on the same socket outlives `stop`)."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": STOP_POLL_SECONDS},
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.http.close()

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def cookie_name(self) -> str:
        return self.emulator.store.cookie_name

    @property
    def service_account(self) -> tuple[str, dict[str, Any]]:
        """The seeded service account: (id, private JWK)."""
        return self.emulator.seeded_service_account

    def _control(self, method: str, path: str, json: Any = None) -> Any:
        response = self.http.request(
            method, f"{self.root_url}/__emulator{path}", json=json, timeout=10
        )
        response.raise_for_status()
        return response.json()

    def reset(self) -> None:
        self._control("POST", "/reset")

    def save_snapshot(self, name: str) -> None:
        self._control("POST", "/snapshots", {"name": name})

    def restore_snapshot(self, name: str) -> None:
        self._control("POST", f"/snapshots/{name}/restore")

    def add_user(self, realm: str, username: str, password: str) -> None:
        self._control(
            "POST", "/users", {"realm": realm, "username": username, "password": password}
        )

    def add_service_account(
        self, scopes: list[str] | None = None, public_jwk: dict[str, Any] | None = None
    ) -> tuple[str, dict[str, Any]]:
        body: dict[str, Any] = {"scopes": scopes} if scopes is not None else {}
        if public_jwk is not None:
            body["publicJwk"] = public_jwk
        answer = self._control("POST", "/service-accounts", body)
        return answer["id"], answer.get("privateJwk", {})

    def request_counts(self) -> dict[str, Any]:
        counts: dict[str, Any] = self._control("GET", "/requests")
        return counts

    def clear_requests(self) -> None:
        self._control("DELETE", "/requests")

    def inject_fault(self, **spec: Any) -> None:
        self._control("POST", "/faults", spec)

    def clear_faults(self) -> None:
        self._control("DELETE", "/faults")

    def configure(self, **cfg: Any) -> None:
        self._control("POST", "/config", cfg)

    def advance_clock(self, seconds: float) -> None:
        self._control("POST", "/clock", {"advanceSeconds": seconds})

    def secret_digest(self, realm: str) -> str:
        name = realm.strip("/") or "root"
        return str(self._control("GET", f"/realms/{name}/signing-secret-digest")["sha256"])


DEFAULT_GROUP = (("dev", "development"), ("staging", "staging"), ("prod", "production"))


class GroupServer:
    """A promotion group: one `EmulatorServer` per tenant, each on its own free port.

    Lock and promotion phases take `lock_seconds` / `promotion_seconds` of each tenant's
    clock (0 by default: done at the next look; tests that watch the phases set more and
    move the clock with `advance_clock`). `reset()` keeps those durations.
    """

    def __init__(
        self,
        tenants: Sequence[tuple[str, str]] = DEFAULT_GROUP,
        lock_seconds: float = 0.0,
        promotion_seconds: float = 0.0,
    ) -> None:
        self.servers = {name: EmulatorServer("aic") for name, _ in tenants}
        self.group = PromotionGroup(
            [(name, role, self.servers[name].emulator) for name, role in tenants]
        )
        self.durations = {"lockSeconds": lock_seconds, "promotionSeconds": promotion_seconds}
        for server in self.servers.values():
            server.emulator.store.state["config"].update(self.durations)

    @property
    def base_urls(self) -> dict[str, str]:
        """Each tenant's AM base URL (`http://127.0.0.1:<port>/am`), lowest first."""
        return {name: server.base_url for name, server in self.servers.items()}

    def __getitem__(self, name: str) -> EmulatorServer:
        return self.servers[name]

    def start(self) -> GroupServer:
        for server in self.servers.values():
            server.start()
        return self

    def stop(self) -> None:
        for server in self.servers.values():
            server.stop()

    def __enter__(self) -> GroupServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def reset(self) -> None:
        for server in self.servers.values():
            server.reset()
            server.configure(**self.durations)


def start_group(
    tenants: Sequence[tuple[str, str]] = DEFAULT_GROUP,
    lock_seconds: float = 0.0,
    promotion_seconds: float = 0.0,
) -> GroupServer:
    """Start a promotion group on free loopback ports (stop it with `.stop()` or `with`)."""
    return GroupServer(tenants, lock_seconds, promotion_seconds).start()
