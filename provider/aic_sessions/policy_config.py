"""Builds a stack's `--policy-pack-config`: per-environment levels and other stacks' secrets.

The distinct-secrets policy needs to know the signing-secret fingerprints of every *other*
stack. They are read through the `pulumi` CLI from each stack in `stacks/`: the deployed
`realms` output where the stack has been deployed, and the fingerprints of the configured
(`signingSecrets`, decrypted) values as well, so two stacks configured with the same secret are
caught before either is deployed. Enforcement levels and bounds come from
`policies/environments.yaml`.

    python -m aic_sessions.policy_config --stack staging --output policy-config.json
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from aic_sessions import signing_secrets

NS = "aic-sessions:"
DISTINCT = "signing-secret-distinct-across-environments"


class PolicyConfigError(RuntimeError):
    """A stack could not be read: comparing secrets without it would pass for the wrong reason."""


def pulumi_json(root: Path, *args: str, optional: bool = False) -> Any | None:
    """JSON from a `pulumi` command; a failure raises, unless `optional` (then None)."""
    proc = subprocess.run(  # noqa: S603 (fixed arguments; pulumi is the engine on PATH)
        ["pulumi", "--non-interactive", *args],  # noqa: S607
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        if optional:
            return None
        raise PolicyConfigError(
            # stderr only: stdout of `config --show-secrets` may hold decrypted secrets
            f"`pulumi {' '.join(args)}` failed: {proc.stderr.strip() or 'no message'}. "
            "Every stack in stacks/ must exist in this backend (pulumi stack init <name>) and be "
            "readable with the configured passphrase."
        )
    return json.loads(proc.stdout) if proc.stdout.strip() else None


def stack_names(root: Path) -> list[str]:
    return sorted(
        p.name[len("Pulumi.") : -len(".yaml")] for p in (root / "stacks").glob("Pulumi.*.yaml")
    )


def configured(root: Path, stack: str) -> dict[str, Any]:
    """The stack's configuration with secrets decrypted (`{key: value}`, project namespace)."""
    raw = pulumi_json(root, "config", "--json", "--show-secrets", "--stack", stack) or {}
    values: dict[str, Any] = {}
    for key, entry in raw.items():
        if key.startswith(NS):
            value = entry.get("objectValue", entry.get("value"))
            values[key[len(NS) :]] = value
    return values


def fingerprints(root: Path, stack: str, config: Mapping[str, Any]) -> dict[str, list[str]]:
    """Realm -> fingerprints this stack uses: deployed outputs and configured given values."""
    found: dict[str, list[str]] = {}
    # Not deployed yet (or deployed before the output existed): only configured values count.
    outputs = pulumi_json(
        root, "stack", "output", "realms", "--json", "--stack", stack, optional=True
    )
    outputs = outputs or {}
    for realm, values in outputs.items():
        if isinstance(values, dict) and isinstance(values.get("signingSecretFingerprint"), str):
            found.setdefault(realm, []).append(values["signingSecretFingerprint"])
    given = config.get("signingSecrets") or {}
    if isinstance(given, str):
        given = json.loads(given)
    key = str(config.get("fingerprintKey") or "")
    for realm, value in given.items():
        if isinstance(value, str) and signing_secrets.decode(value) is not None:
            fingerprint = signing_secrets.fingerprint(value, key)
            if fingerprint not in found.get(realm, []):
                found.setdefault(realm, []).append(fingerprint)
    return found


def environment_levels(root: Path, environment: str) -> dict[str, Any]:
    settings = yaml.safe_load((root / "policies" / "environments.yaml").read_text()) or {}
    merged: dict[str, Any] = {k: dict(v) for k, v in (settings.get("defaults") or {}).items()}
    for policy, values in ((settings.get("environments") or {}).get(environment) or {}).items():
        merged.setdefault(policy, {}).update(values)
    return merged


def build(root: Path, stack: str) -> dict[str, Any]:
    """The `--policy-pack-config` document for `stack`."""
    configs = {name: configured(root, name) for name in stack_names(root)}
    if stack not in configs:
        configs[stack] = configured(root, stack)
    environment = str(configs[stack].get("environment") or stack)
    others: dict[str, dict[str, str]] = {}
    for name, config in configs.items():
        if name == stack:
            continue
        label = f"{config.get('environment') or name} (stack {name})"
        for realm, prints in fingerprints(root, name, config).items():
            for index, fingerprint in enumerate(prints):
                others.setdefault(label, {})[realm if index == 0 else f"{realm}#{index}"] = (
                    fingerprint
                )
    document = environment_levels(root, environment)
    document[DISTINCT] = {
        **document.get(DISTINCT, {}),
        "environment": environment,
        "otherEnvironments": others,
    }
    return document


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stack", required=True)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--root", type=Path, default=Path.cwd())
    args = parser.parse_args(argv)
    try:
        document = build(args.root.resolve(), args.stack)
    except PolicyConfigError as exc:
        print(f"policy config for {args.stack}: {exc}", file=sys.stderr)
        return 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(document, indent=2) + "\n")
    others = document[DISTINCT]["otherEnvironments"]
    count = sum(len(v) for v in others.values())
    print(f"policy config for {args.stack}: {count} fingerprint(s) of {len(others)} other stack(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
