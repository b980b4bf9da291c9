"""Reads a stack as Pulumi resolves it, through the `pulumi` CLI on PATH, without its secrets.

`pulumi config --json` (no `--show-secrets`) gives the stack's configuration with project
defaults and ESC environments applied and secret values left out; `pulumi stack output --json`
gives its deployed outputs with secrets blinded. Neither decrypts anything, so neither needs the
stack's passphrase. `pulumi preview --json` gives the inputs every resource would have, after the
provider's `check` (it needs the passphrase). The backend is the environment's
(`PULUMI_BACKEND_URL` or `pulumi login`); the project is any Pulumi project, whatever its program.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from aic_sessions.domain.namespace import PREFIX

NS = PREFIX


class StackReadError(RuntimeError):
    """A `pulumi` command failed; the message says which and why (its stderr only)."""


def run(project_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`pulumi --non-interactive ARGS` in the project folder."""
    if shutil.which("pulumi") is None:
        raise StackReadError(
            "the `pulumi` CLI is not on PATH; run through scripts/with-engine or install it"
        )
    try:
        return subprocess.run(  # noqa: S603 (fixed arguments; pulumi is the engine on PATH)
            ["pulumi", "--non-interactive", *args],  # noqa: S607
            cwd=project_dir,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError as exc:
        raise StackReadError(f"cannot run `pulumi {args[0]}`: {exc.strerror or exc}") from None


def pulumi_json(project_dir: Path, *args: str) -> Any:
    """JSON printed by a `pulumi` command; a failure raises with the command's stderr only."""
    proc = run(project_dir, *args)
    if proc.returncode != 0:
        # stderr only: stdout of `config --show-secrets` may hold decrypted secrets
        raise StackReadError(
            f"`pulumi {' '.join(args)}` failed: {proc.stderr.strip() or 'no message'}"
        )
    try:
        return json.loads(proc.stdout) if proc.stdout.strip() else None
    except json.JSONDecodeError:
        raise StackReadError(f"`pulumi {' '.join(args)}` did not print JSON") from None


def project_values(raw: Mapping[str, Any]) -> dict[str, Any]:
    """`pulumi config --json` entries -> `{key: value}` of this project's namespace.

    Secret entries carry no value without `--show-secrets`; they are left out.
    """
    values: dict[str, Any] = {}
    for key, entry in raw.items():
        if not (key.startswith(NS) and isinstance(entry, dict)):
            continue
        if "objectValue" in entry:
            values[key[len(NS) :]] = entry["objectValue"]
        elif entry.get("value") is not None:
            values[key[len(NS) :]] = entry["value"]
    return values


def public_config(project_dir: Path, stack: str) -> dict[str, Any]:
    """The stack's resolved configuration, secrets left out (they are not decrypted)."""
    return project_values(pulumi_json(project_dir, "config", "--json", "--stack", stack) or {})


def secret_config(project_dir: Path, stack: str) -> dict[str, Any]:
    """The stack's configuration with its secrets decrypted (needs the stack's passphrase)."""
    raw = pulumi_json(project_dir, "config", "--json", "--show-secrets", "--stack", stack)
    return project_values(raw or {})


def outputs(project_dir: Path, stack: str) -> dict[str, Any]:
    """The stack's deployed outputs, secrets blinded ({} when it was never deployed)."""
    found = pulumi_json(project_dir, "stack", "output", "--json", "--stack", stack)
    return found if isinstance(found, dict) else {}


def stack_names(project_dir: Path) -> list[str]:
    """The stacks whose `Pulumi.<stack>.yaml` is in the project's `stackConfigDir` (default:
    the project folder), as Pulumi finds them."""
    settings = yaml.safe_load((project_dir / "Pulumi.yaml").read_text()) or {}
    folder = project_dir / str(settings.get("stackConfigDir") or ".")
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in folder.glob("Pulumi.*.yaml"))


def previewed_inputs(project_dir: Path, stack: str) -> list[tuple[str, dict[str, Any]]]:
    """(type, inputs) of every resource the stack's program declares, as `pulumi preview`
    checks them (needs the passphrase; sends nothing to a tenant for resources to create).
    `--show-sames`: a deployed resource the preview would not change is a step too."""
    proc = run(project_dir, "preview", "--json", "--show-sames", "--stack", stack)
    try:
        digest = json.loads(proc.stdout) if proc.stdout.strip() else {}
    except json.JSONDecodeError:
        digest = {}
    if proc.returncode != 0 or not isinstance(digest, dict):
        errors = [
            str(d.get("message", "")).strip()
            for d in (digest.get("diagnostics") or [] if isinstance(digest, dict) else [])
            if isinstance(d, dict) and d.get("severity") == "error"
        ]
        detail = "; ".join(e for e in errors if e) or proc.stderr.strip() or "no message"
        raise StackReadError(f"`pulumi preview --stack {stack}` failed: {detail}")
    found = []
    for step in digest.get("steps") or []:
        state = step.get("newState") or {}
        if isinstance(state.get("inputs"), dict):
            found.append((str(state.get("type")), state["inputs"]))
    return found


def deployed_inputs(project_dir: Path, stack: str) -> list[tuple[str, dict[str, Any]]]:
    """(type, inputs) of every resource in the stack's state (`pulumi stack export`, secrets
    left encrypted, so no passphrase is needed); [] when it was never deployed."""
    found = pulumi_json(project_dir, "stack", "export", "--stack", stack)
    deployment = found.get("deployment") if isinstance(found, dict) else None
    resources = deployment.get("resources") if isinstance(deployment, dict) else None
    return [
        (str(r.get("type")), r["inputs"])
        for r in resources or []
        if isinstance(r, dict) and isinstance(r.get("inputs"), dict) and not r.get("delete")
    ]
