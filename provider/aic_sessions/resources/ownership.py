"""One owner per realm across every stack of the backend: the claims of the other stacks.

A stack's claim on a realm is any resource of it in state that writes the realm: the
`RealmBaseline` of a `RealmSessionSettings`, or a `JourneySessionSettings`,
`AuthenticatedSessionSettings` or `SigningSecret` declared on its own (never one that only
asserts), with its tenant and realm, kept until `destroy`. The `check` of a baseline, or of such
a resource declared without one, not yet in state (every `preview` and `up` that would adopt a
realm, `--skip-preview` included) asks the engine's own
CLI for the backend's stacks (`pulumi stack ls --all --json`) and reads the state of each other
stack that holds resources (`pulumi stack export`: nothing is decrypted, so no passphrase is
needed), once per deployment, whatever the stacks' projects are called. Tenants are compared by
`identity.tenant_identity` (`localhost` and `127.0.0.1` are one). Cost: one CLI call plus one
per other non-empty stack, about 0.2 s of CPU each on the file backend (measured: 11 non-empty
stacks, 5 to 8 s wall on a loaded 2-core machine), four at a time; a stack whose realms are all
adopted already pays nothing.

What the stack's own state tells a new baseline (a rename, priors to adopt) is `own_state`'s.

A check that cannot look fails the preview (the message says why); `AIC_OWNER_CHECK=off` in
the environment skips it with a warning, for runners that cannot reach the backend's other
stacks. Two first deployments started at the same moment can both pass (neither is in state
yet): the check narrows the window to the seconds between a preview and the baseline's create.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pulumi
from pulumi.dynamic import CheckFailure

from aic_sessions.domain.identity import canonical_realm, tenant_identity

from . import connection

# The resources that write a realm: a stack holding one of them in state owns the realm.
CLAIMING = (
    "RealmBaseline",
    "JourneySessionSettings",
    "AuthenticatedSessionSettings",
    "SigningSecret",
)
CLAIMANT = "__claimant"  # engine-internal input of a settings resource declared without baseline
SKIP_VARIABLE = "AIC_OWNER_CHECK"
Claims = dict[tuple[str, str], str]  # (tenant identity, realm) -> the owning stack


def _claiming_types() -> frozenset[str]:
    from .exports import type_token

    return frozenset(type_token(name) for name in CLAIMING)


CLAIMING_TYPES = _claiming_types()


def stack_claimant() -> str:
    """The running program's stack as the backend lists it: organization/project/stack."""
    return f"{pulumi.get_organization()}/{pulumi.get_project()}/{pulumi.get_stack()}"


def direct_claim(props: dict[str, Any], baseline_key: str) -> dict[str, str]:
    """The claimant input of a settings resource declared without a baseline that may write
    (a `RealmSessionSettings` claims through its baseline; an asserting one writes nothing)."""
    if props.get(baseline_key) is not None or props.get("assert_only") is True:
        return {}
    return {CLAIMANT: stack_claimant()}


class OwnerCheckError(RuntimeError):
    """The other stacks could not be read; the message says which command failed and why."""


def skipped() -> bool:
    return os.environ.get(SKIP_VARIABLE, "").lower() in ("off", "0", "false", "no")


def engine_cli() -> str:
    """The running engine's `pulumi` (an ancestor of this provider process), else the one on
    PATH: the same binary, settings and backend as the deployment."""
    pid = os.getppid()
    for _ in range(4):
        try:
            exe = os.readlink(f"/proc/{pid}/exe")
            if Path(exe).name == "pulumi":
                return exe
            pid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            break
    found = shutil.which("pulumi")
    if found is None:
        raise OwnerCheckError("the `pulumi` CLI is neither the engine's parent nor on PATH")
    return found


READ_ATTEMPTS = 3
CLI_SECONDS = 60
# Pulumi's PostgreSQL backend (engine 3.274.1, backend/diy) opens at most 2 x GOMAXPROCS
# connections, and lists stacks holding one for the listing while it reads them 10 at a time
# (PULUMI_DIY_BACKEND_PARALLEL): with fewer than 11 connections (5 cores or fewer) the readers
# and the listing wait for each other, and `pulumi stack ls` hangs from about 4 stacks (observed
# on 2 cores; GOMAXPROCS=8 listed 40). The CLI this module runs gets at least this many; it
# costs the file backend nothing.
CLI_GOMAXPROCS = 16


class OwnerCheckTimeout(OwnerCheckError):
    """The CLI did not answer in time (tried once: a hang does not end by itself)."""


def _json(*args: str) -> Any:
    """The command's JSON; a failure is tried again a few times, since a stack file (this
    deployment's own checkpoint too) may be read while the engine writes it ("error: EOF")."""
    for attempt in range(READ_ATTEMPTS):
        try:
            return _json_once(*args)
        except OwnerCheckTimeout:
            raise
        except OwnerCheckError:
            if attempt == READ_ATTEMPTS - 1:
                raise
            time.sleep(0.5)
    raise AssertionError("unreachable")


def cli_environment() -> dict[str, str]:
    """This process's environment, with the engine's Go runtime given enough threads (and so
    the PostgreSQL backend enough connections) to list the stacks."""
    env = dict(os.environ)
    try:
        current = int(env.get("GOMAXPROCS", "0"))
    except ValueError:
        current = 0
    env["GOMAXPROCS"] = str(max(current, CLI_GOMAXPROCS, os.cpu_count() or 1))
    return env


def _json_once(*args: str) -> Any:
    command = [engine_cli(), "--non-interactive", *args]
    try:
        proc = subprocess.run(  # noqa: S603 (the engine's own binary, fixed arguments)
            # Outside any project, so every stack is listed and named organization/project/stack.
            command,
            cwd="/",
            env=cli_environment(),
            capture_output=True,
            text=True,
            timeout=CLI_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise OwnerCheckTimeout(
            f"`pulumi {' '.join(args)}` did not answer in {CLI_SECONDS} s: the backend hangs "
            "(Pulumi's PostgreSQL backend does so listing stacks with too few connections, "
            "which GOMAXPROCS raises: docs/team.md)"
        ) from None
    except OSError as exc:
        raise OwnerCheckError(f"`pulumi {' '.join(args)}` could not run: {exc}") from None
    if proc.returncode != 0:
        message = proc.stderr.strip().splitlines()[-1:] or ["no message"]
        raise OwnerCheckError(f"`pulumi {' '.join(args)}` failed: {message[0]}")
    try:
        return json.loads(proc.stdout or "null")
    except json.JSONDecodeError:
        raise OwnerCheckError(f"`pulumi {' '.join(args)}` did not print JSON") from None


def realm_claims(stack: str, state: Any) -> Claims:
    """The realms a stack's exported state holds a resource that writes them of."""
    resources = ((state or {}).get("deployment") or {}).get("resources") or []
    found: Claims = {}
    for resource in resources:
        if resource.get("type") not in CLAIMING_TYPES:
            continue
        props = {**(resource.get("inputs") or {}), **(resource.get("outputs") or {})}
        if props.get("assertOnly") is True:
            continue
        try:
            key = (tenant_identity(str(props["baseUrl"])), canonical_realm(str(props["realm"])))
        except (KeyError, ValueError):
            continue
        found[key] = stack
    return found


def export_state(stack: str) -> Any:
    """A stack's state as `pulumi stack export` prints it (no secret decrypted)."""
    return _json("stack", "export", "--stack", stack)


def read_claims(own_stack: str) -> Claims:
    """Every other stack's claims on the backend."""
    listed = _json("stack", "ls", "--all", "--json") or []
    others = [
        str(s["name"])
        for s in listed
        if s.get("name") != own_stack and (s.get("resourceCount") or 0) > 0
    ]
    with ThreadPoolExecutor(max_workers=4) as pool:
        states = list(pool.map(export_state, others))
    claims: Claims = {}
    for name, state in zip(others, states, strict=True):
        claims.update(realm_claims(name, state))
    return claims


def other_owner(base_url: str, realm: str, own_stack: str) -> str | None:
    """The other stack whose state holds a resource that writes this realm, if any (read once
    per deployment)."""
    claims = connection.current().read_once(own_stack, read_claims)
    return claims.get((tenant_identity(base_url), canonical_realm(realm)))


def owner_failures(base_url: str, realm: str, own_stack: str) -> list[CheckFailure]:
    """A failure when another stack of the backend holds a resource that writes this realm."""
    if skipped():
        pulumi.log.warn(
            f"{realm}: {SKIP_VARIABLE}=off: not checked whether another stack of the backend "
            "manages this realm."
        )
        return []
    try:
        other = other_owner(base_url, realm, own_stack)
    except OwnerCheckError as exc:
        fix = (
            "Make the backend answer"
            if isinstance(exc, OwnerCheckTimeout)
            else "Make the backend's stacks readable to this run (the same backend login)"
        )
        return [
            CheckFailure(
                "realm",
                f"could not check that no other stack of the backend manages realm {realm}: "
                f"{exc}. {fix}, or set {SKIP_VARIABLE}=off to skip the check.",
            )
        ]
    if other is None:
        return []
    return [
        CheckFailure(
            "realm",
            f"realm {realm} of {base_url} is already managed by stack {other} (that stack's "
            "state holds its resources; the tenant is compared however its host is written). "
            "A second owner would record that stack's values as the originals, and destroy "
            "would restore neither. Give the realm one owner: change it through that stack, or "
            "remove the realm from that stack (destroy its resources there, or remove the realm "
            "from its program and run up there), then deploy it here.",
        )
    ]
