"""The Flask application: wiring of blueprints, request hooks (counting, faults, logging,
state persistence) and the translation of errors to AM-shaped answers.

`Emulator` owns the store, the faults and the request counts; `create_app(emulator)` builds
the WSGI app around it.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import socket
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException
from werkzeug.serving import WSGIRequestHandler

from aic_emulator.errors import EmulatorError, OAuth2Error, StatusError
from aic_emulator.faults import Fault, FaultRegistry
from aic_emulator.state import DEFAULT_ADMIN
from aic_emulator.store import Store
from aic_emulator.web import json_response

LOG = logging.getLogger("aic_emulator")
CONTROL_PREFIX = "/__emulator"
PROMOTION_API = "/environment/promotion"
WRITE_METHODS = {"PUT", "POST", "DELETE", "PATCH"}


class QuietRequestHandler(WSGIRequestHandler):
    """werkzeug's handler without its access log (it prints query strings); the app logs
    its own line per request instead."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None


class RequestCounter:
    """Counts of `METHOD path` and of config writes, thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.counts: Counter[str] = Counter()
        self.writes = 0

    def record(self, method: str, path: str, is_write: bool) -> None:
        with self._lock:
            self.counts[f"{method} {path}"] += 1
            self.writes += int(is_write)

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            counts = dict(self.counts)
            return {"total": sum(counts.values()), "counts": counts, "writes": self.writes}

    def clear(self) -> None:
        with self._lock:
            self.counts.clear()
            self.writes = 0


def is_config_write(method: str, path: str, action: str | None) -> bool:
    """PUT/POST/DELETE to an admin config endpoint (a schema read is not a write); ESV
    secrets and restarts (`/environment/...`) are configuration writes too, promotion calls
    are not (they change configuration only through the promotion they start)."""
    config = "/realm-config/" in path or "/global-config/" in path
    config = config or (path.startswith("/environment/") and not path.startswith(PROMOTION_API))
    return method in WRITE_METHODS and config and action != "schema"


class Emulator:
    """One emulated deployment: its store, faults and request counts."""

    def __init__(
        self,
        flavour: str = "aic",
        realms: list[str] | None = None,
        admin: tuple[str, str] = DEFAULT_ADMIN,
        state_file: Path | None = None,
    ) -> None:
        self.seed_args = (flavour, realms, admin)
        self.state_file = state_file
        if state_file is not None and state_file.exists():
            self.store = Store(Store.load(state_file))
        else:
            self.store, private = Store.seeded(flavour, realms, admin)
            sa_id = next(iter(self.store.state["serviceAccounts"]))
            self.store.state["seededServiceAccount"] = {"id": sa_id, "privateJwk": private}
        self.faults = FaultRegistry()
        self.requests = RequestCounter()
        self.group: Any = None  # the PromotionGroup this tenant belongs to, if any
        self.tenant: Any = None  # its member record (name, role) in that group
        self.snapshots: dict[str, dict[str, Any]] = {}  # name -> a copy of the state tree

    @property
    def seeded_service_account(self) -> tuple[str, dict[str, Any]]:
        seeded = self.store.state["seededServiceAccount"]
        return seeded["id"], seeded["privateJwk"]

    def reset(self) -> None:
        """Back to the seeded state (same cookie name and seeded service account)."""
        fresh, _ = Store.seeded(*self.seed_args)
        with self.store.lock:
            sa_id = self.seeded_service_account[0]
            old = self.store.state
            fresh.state["cookieName"] = old["cookieName"]
            fresh.state["serviceAccounts"] = {sa_id: old["serviceAccounts"][sa_id]}
            fresh.state["seededServiceAccount"] = old["seededServiceAccount"]
            self.store.replace_state(fresh)
        self.faults.clear()
        self.requests.clear()
        self.persist()

    def save_snapshot(self, name: str) -> None:
        """Keep a copy of the whole state under `name` (in memory; `reset` keeps it)."""
        with self.store.lock:
            self.snapshots[name] = copy.deepcopy(self.store.state)

    def restore_snapshot(self, name: str) -> None:
        """The state as `save_snapshot(name)` kept it; clears faults and request counts."""
        kept = self.snapshots.get(name)
        if kept is None:
            raise KeyError(name)
        with self.store.lock:
            self.store.state = copy.deepcopy(kept)
        self.faults.clear()
        self.requests.clear()
        self.persist()

    def persist(self) -> None:
        if self.state_file is not None:
            self.store.save(self.state_file)


def create_app(emulator: Emulator) -> Flask:
    from aic_emulator import control, esv_routes, idm_routes, promotion_routes, routes

    app = Flask("aic_emulator")
    app.config["EMULATOR"] = emulator
    app.register_blueprint(routes.bp)
    app.register_blueprint(control.bp)
    app.register_blueprint(idm_routes.bp)
    app.register_blueprint(esv_routes.bp)
    app.register_blueprint(promotion_routes.bp)
    app.before_request(_before)
    app.after_request(_after)
    app.register_error_handler(EmulatorError, _emulator_error)
    app.register_error_handler(OAuth2Error, _oauth_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
    return app


def _emulator() -> Emulator:
    from flask import current_app

    emulator: Emulator = current_app.config["EMULATOR"]
    return emulator


def _before() -> Response | None:
    g.started = time.monotonic()
    if request.path.startswith(CONTROL_PREFIX):
        return None
    emulator = _emulator()
    action = request.args.get("_action")
    emulator.requests.record(
        request.method, request.path, is_config_write(request.method, request.path, action)
    )
    fault = emulator.faults.take(request.method, request.path)
    answer = _apply_fault(fault) if fault is not None else None
    if answer is not None:
        return answer
    if emulator.group is not None:  # after faults: a refused call can fail like any other
        emulator.group.settle()
        refusal = emulator.group.refusal(emulator, request.method, request.path, action)
        if refusal is not None:
            raise refusal
    return None


def _apply_fault(fault: Fault) -> Response | None:
    """Act on an injected fault: raise its error, drop, or mark the request (None: serve it)."""
    if fault.kind in ("latency", "slow"):
        time.sleep(fault.delay_ms / 1000)
        return None
    if fault.kind == "drop":
        return _drop_connection()
    if fault.kind == "drop-after":
        g.drop_after = True  # served (a write is applied), then the answer is lost
        return None
    if fault.kind == "slow-answer":
        g.answer_delay = fault.delay_ms / 1000  # served (a write is applied), answered late
        return None
    if fault.kind in ("stale-answer", "ignored-write"):
        g.write_answer = fault.kind  # read by `routes.answer_to_write`
        return None
    if fault.kind == "echo":
        said = request.query_string.decode(errors="replace") + " " + request.get_data(as_text=True)
        raise StatusError(fault.status, f"Cannot process the request: {said}")
    retry = fault.retry_after if fault.retry_after is not None else 1
    raise StatusError(
        fault.status, "Injected fault", retry if fault.status == 429 else fault.retry_after
    )


def _drop_connection() -> Response:
    """Shut the client connection down without answering (werkzeug exposes the socket);
    the server's attempt to write the placeholder response then fails silently."""
    sock = request.environ.get("werkzeug.socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
    return Response(b"", 500)


def _after(response: Response) -> Response:
    emulator = _emulator()
    if request.method not in ("GET", "HEAD"):
        emulator.persist()
    duration = (time.monotonic() - g.get("started", time.monotonic())) * 1000
    LOG.info("%s %s %s %.1fms", request.method, request.path, response.status_code, duration)
    if g.get("drop_after"):
        return _drop_connection()
    if g.get("answer_delay"):
        time.sleep(g.answer_delay)
    return response


def _emulator_error(exc: EmulatorError) -> Response:
    response = json_response(exc.body(), exc.status)
    response.headers.update(exc.headers())
    return response


def _oauth_error(exc: OAuth2Error) -> Response:
    response = json_response(exc.body(), exc.status, content_type="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


def _http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    if status == 404 and not request.path.startswith(
        ("/am/", "/environment", "/openidm", "/__emulator")
    ):
        # Outside AM's path the servlet container answers, with HTML (as OpenAM 16's Tomcat).
        return Response(NOT_FOUND_PAGE, 404, content_type="text/html;charset=utf-8")
    error = StatusError(status, exc.description or exc.name)
    return json_response(error.body(), status)


NOT_FOUND_PAGE = (
    "<!doctype html><html><head><title>HTTP Status 404 - Not Found</title></head></html>"
)


def _unexpected(exc: Exception) -> Response:
    LOG.error("unexpected error on %s %s: %r", request.method, request.path, exc)
    error = StatusError(500, "Internal Server Error")
    return json_response(error.body(), 500)
