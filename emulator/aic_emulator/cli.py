"""Command line: `aic-emulator --flavour aic|am --port 8080 [--state-file F] [--sa-jwk-file F]`.

Logs one line per request (method, path, status, duration; never a body, header, token or
query string), persists the state atomically after each write when `--state-file` is given,
and stops gracefully on SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

from werkzeug.serving import make_server

from aic_emulator.app import Emulator, QuietRequestHandler, create_app
from aic_emulator.state import DEFAULT_ADMIN


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="aic-emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--flavour", choices=["aic", "am"], default="aic")
    parser.add_argument("--realms", default="alpha", help="comma-separated sub-realms (am)")
    parser.add_argument("--state-file", type=Path)
    parser.add_argument("--sa-jwk-file", type=Path)
    parser.add_argument("--admin-user", default=DEFAULT_ADMIN[0])
    parser.add_argument("--admin-password", default=DEFAULT_ADMIN[1])
    parser.add_argument(
        "--restart-seconds", type=float, help="how long a tenant restart takes (aic; default 1)"
    )
    return parser.parse_args(argv)


def write_private_file(path: Path, text: str) -> None:
    """Write `text` to `path` with mode 0600 from the start (atomic replace)."""
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def build(args: argparse.Namespace) -> Emulator:
    realms = [r for r in args.realms.split(",") if r.strip()]
    emulator = Emulator(
        args.flavour, realms, (args.admin_user, args.admin_password), args.state_file
    )
    if args.restart_seconds is not None:
        emulator.store.state["config"]["restartSeconds"] = max(0.0, args.restart_seconds)
    emulator.persist()
    sa_id, private = emulator.seeded_service_account
    if args.sa_jwk_file is not None:
        write_private_file(args.sa_jwk_file, json.dumps(private))
    print(f"service account id: {sa_id}", flush=True)
    return emulator


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    emulator = build(args)
    server = make_server(
        args.host,
        args.port,
        create_app(emulator),
        threaded=True,
        request_handler=QuietRequestHandler,
    )
    print(
        f"aic-emulator ({args.flavour}) listening on http://{args.host}:{server.server_port}/am",
        flush=True,
    )

    def stop(signum: int, frame: FrameType | None) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server.serve_forever()
    server.server_close()
    emulator.persist()
    print("aic-emulator stopped", flush=True)
    return 0
