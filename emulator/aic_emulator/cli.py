"""Command line: `aic-emulator --flavour aic|am --port 8080 [--state-file F] [--sa-jwk-file F]`.

Logs one line per request (method, path, status, duration; never a body, header, token or
query string), persists the state atomically after each write when `--state-file` is given,
and stops gracefully on SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

from werkzeug.serving import make_server

from aic_emulator.app import Emulator, QuietRequestHandler, create_app
from aic_emulator.state import AIC_REALMS, DEFAULT_ADMIN, DEFAULT_USER


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="aic-emulator",
        description=__doc__.splitlines()[0],
        epilog=SEEDED,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (loopback)")
    parser.add_argument("--port", type=int, default=8080, help="port (0: any free one)")
    parser.add_argument(
        "--flavour",
        choices=["aic", "am"],
        default="aic",
        help="aic: Advanced Identity Cloud (service accounts, ESVs); am: self-managed AM",
    )
    parser.add_argument(
        "--realms", default="alpha", help="comma-separated sub-realms (am only; aic has its own)"
    )
    parser.add_argument(
        "--state-file", type=Path, help="JSON file: loaded at start if it exists, saved on writes"
    )
    parser.add_argument(
        "--sa-jwk-file", type=Path, help="write the seeded service account's private JWK here"
    )
    parser.add_argument("--admin-user", default=DEFAULT_ADMIN[0], help="the admin's username")
    parser.add_argument("--admin-password", default=DEFAULT_ADMIN[1], help="the admin's password")
    parser.add_argument(
        "--restart-seconds", type=float, help="how long a tenant restart takes (aic; default 1)"
    )
    return parser.parse_args(argv)


SEEDED = f"""seeded:
  admin         {DEFAULT_ADMIN[0]} / {DEFAULT_ADMIN[1]} (--admin-user, --admin-password)
  test user     {DEFAULT_USER[0]} / {DEFAULT_USER[1]} in every sub-realm (for aic-sessions verify)
  realms        root and {", ".join(AIC_REALMS)} (aic); root and --realms (am)
  service acct  its id is printed at start; its key with --sa-jwk-file (aic)"""


def write_private_file(path: Path, text: str) -> None:
    """Write `text` to `path` with mode 0600 from the start (atomic replace)."""
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


class StartError(Exception):
    """A file option cannot be used; the message names it and the fix."""


def build(args: argparse.Namespace) -> Emulator:
    realms = [r for r in args.realms.split(",") if r.strip()]
    with _file_option("--state-file", args.state_file):
        emulator = Emulator(
            args.flavour, realms, (args.admin_user, args.admin_password), args.state_file
        )
        if args.restart_seconds is not None:
            emulator.store.state["config"]["restartSeconds"] = max(0.0, args.restart_seconds)
        emulator.persist()
    sa_id, private = emulator.seeded_service_account
    if args.sa_jwk_file is not None:
        with _file_option("--sa-jwk-file", args.sa_jwk_file):
            write_private_file(args.sa_jwk_file, json.dumps(private))
    print(f"service account id: {sa_id}", flush=True)
    return emulator


@contextlib.contextmanager
def _file_option(option: str, path: Path | None) -> Iterator[None]:
    """An unusable file (missing folder, a directory, JSON that does not parse) -> StartError."""
    try:
        yield
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise StartError(
            f"cannot use {option} {path}: {reason}. Give a file in an existing folder (a state "
            "file is created on the first write; remove a corrupt one)."
        ) from None


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    try:
        emulator = build(args)
    except StartError as exc:
        print(f"aic-emulator: {exc}", file=sys.stderr)
        return 2
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
