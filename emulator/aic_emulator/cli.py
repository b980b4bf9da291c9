"""Command line: `aic-emulator --flavour aic|am --port 8080 [--state-file F] [--sa-jwk-file F]`,
or a promotion group: `aic-emulator --group dev=8081,staging=8082,prod=8083 [--state-dir D]
[--sa-jwk-dir D]`.

Logs one line per request (method, path, status, duration; never a body, header, token or
query string), persists the state atomically after each write when `--state-file` (or, for a
group, `--state-dir`) is given, and stops gracefully on SIGTERM/SIGINT.
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
from aic_emulator.group import PromotionGroup, check_order
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
        "--realms",
        help="comma-separated sub-realms (am only, default alpha; an aic tenant has alpha and "
        "bravo, as Advanced Identity Cloud's do)",
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
    group = parser.add_argument_group("promotion group (aic tenants served together)")
    group.add_argument(
        "--group",
        metavar="NAME[:ROLE]=PORT,...",
        help="serve a promotion group instead of one tenant, lowest first, e.g. "
        "dev=8081,staging=8082,prod=8083 or d:development=8081,u:uat=8082,s:staging=8083. "
        "ROLE is development, uat, staging or production; without it, a name starting with "
        "dev, uat, stag or prod gives it. Upper tenants refuse static-configuration writes and "
        "serve /environment/promotion, pulling from the tenant below",
    )
    group.add_argument("--state-dir", type=Path, help="group: one state file per tenant")
    group.add_argument(
        "--sa-jwk-dir", type=Path, help="group: write each tenant's service-account JWK there"
    )
    group.add_argument("--lock-seconds", type=float, help="how long a lock or unlock takes")
    group.add_argument(
        "--promotion-seconds", type=float, help="how long a promotion or rollback takes"
    )
    args = parser.parse_args(argv)
    if args.realms is not None and (args.flavour == "aic" or args.group is not None):
        parser.error(
            "--realms is for --flavour am only: an aic tenant (and each tenant of a --group) has "
            "the realms alpha and bravo, as Advanced Identity Cloud's do; leave it out"
        )
    args.realms = args.realms or "alpha"
    if args.group is not None:
        try:
            args.members = parse_group(args.group)
            check_order([(name, role) for name, role, _ in args.members])
        except ValueError as exc:
            parser.error(f"--group: {exc}")
    return args


ROLE_PREFIXES = (
    ("dev", "development"),
    ("uat", "uat"),
    ("stag", "staging"),
    ("prod", "production"),
)


def parse_group(spec: str) -> list[tuple[str, str, int]]:
    """`dev=8081,staging=8082` -> [(name, role, port)]."""
    members = []
    for part in filter(None, (p.strip() for p in spec.split(","))):
        target, _, port = part.partition("=")
        name, _, role = target.partition(":")
        if not name or not port.isdigit():
            raise ValueError(f"{part!r} is not NAME[:ROLE]=PORT")
        role = role or next((r for prefix, r in ROLE_PREFIXES if name.startswith(prefix)), "")
        if not role:
            raise ValueError(f"give the role of {name!r} as {name}:ROLE=PORT")
        members.append((name, role, int(port)))
    return members


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


def build_group(args: argparse.Namespace) -> list[tuple[str, int, Emulator]]:
    """The group's tenants as (name, port, emulator), lowest first."""
    built = []
    for folder in (args.state_dir, args.sa_jwk_dir):
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
    for name, _, port in args.members:
        state_file = args.state_dir / f"{name}.json" if args.state_dir else None
        emulator = Emulator("aic", None, (args.admin_user, args.admin_password), state_file)
        config = emulator.store.state["config"]
        for key, value in (
            ("restartSeconds", args.restart_seconds),
            ("lockSeconds", args.lock_seconds),
            ("promotionSeconds", args.promotion_seconds),
        ):
            if value is not None:
                config[key] = max(0.0, value)
        emulator.persist()
        sa_id, private = emulator.seeded_service_account
        if args.sa_jwk_dir is not None:
            write_private_file(args.sa_jwk_dir / f"{name}.jwk", json.dumps(private))
        print(f"service account id ({name}): {sa_id}", flush=True)
        built.append((name, port, emulator))
    PromotionGroup([(n, r, e) for (n, r, _), (_, _, e) in zip(args.members, built, strict=True)])
    return built


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
        tenants = (
            build_group(args)
            if args.group is not None
            else [(args.flavour, args.port, build(args))]
        )
    except StartError as exc:
        print(f"aic-emulator: {exc}", file=sys.stderr)
        return 2
    servers = []
    for name, port, emulator in tenants:
        server = make_server(
            args.host,
            port,
            create_app(emulator),
            threaded=True,
            request_handler=QuietRequestHandler,
        )
        servers.append(server)
        print(
            f"aic-emulator ({name}) listening on http://{args.host}:{server.server_port}/am",
            flush=True,
        )
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers[1:]]
    for thread in threads:
        thread.start()

    def stop(signum: int, frame: FrameType | None) -> None:
        for server in servers:
            threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    servers[0].serve_forever()
    for thread in threads:
        thread.join(timeout=5)
    for server, (_, _, emulator) in zip(servers, tenants, strict=True):
        server.server_close()
        emulator.persist()
    print("aic-emulator stopped", flush=True)
    return 0
