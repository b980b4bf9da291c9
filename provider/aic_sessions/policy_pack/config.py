"""Builds a stack's `--policy-pack-config` from non-secret material only; records fingerprints.

Works in any Pulumi project that uses the resources, run from the project folder (or `--root`):

    python -m aic_sessions.policy_pack.config --stack staging --record  # needs its passphrase
    python -m aic_sessions.policy_pack.config --stack staging --output policy-config.json

`--record` previews the stack (`pulumi preview --json`, no policy pack) and writes the fingerprint
of every `SigningSecret` with a given value into the stack's non-secret config,
`aic-sessions:signingSecretFingerprints` (realm -> `scrypt:<hex>`). The stack's own preview
re-checks the record against the secret (policy `signing-secret-fingerprint-recorded`), so a
record cannot silently go stale.

`--output` compares this stack with every *other* stack of the project (each `Pulumi.<stack>.yaml`
in its `stackConfigDir`), read through the `pulumi` CLI without decrypting anything, so checking
one stack needs that stack's passphrase only: the fingerprints another stack records in its
config, and those it publishes in a deployed `realms` output. Enforcement levels and bounds per
environment come from the pack's `environments.yaml`, or `--levels FILE` of the same shape; a
stack's environment is its `aic-sessions:environment`, or else its name.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

from aic_sessions.domain.identity import realm_name
from aic_sessions.domain.nearest import one_typo_from
from aic_sessions.policy_pack import SHIPPED_LEVELS
from aic_sessions.policy_pack.levels import LevelsError, check_levels
from aic_sessions.program import stack_reader
from aic_sessions.program.stack_reader import StackReadError
from aic_sessions.resources.exports import type_token

NS = stack_reader.NS
DISTINCT = "signing-secret-distinct-across-environments"
CONFIG_GIVEN = "policy-pack-config-given"
SINGLE_OWNER = "realm-single-owner"
RECORDED = "signing-secret-fingerprint-recorded"
FINGERPRINTS_KEY = "signingSecretFingerprints"
FINGERPRINT = re.compile(r"^scrypt:[0-9a-f]{32}$")
SIGNING_SECRET = type_token("SigningSecret")


class PolicyConfigError(RuntimeError):
    """A stack could not be read: comparing secrets without it would pass for the wrong reason."""


def read(what: Callable[[Path, str], dict[str, Any]], root: Path, stack: str) -> dict[str, Any]:
    """A `stack_reader` function's answer; a failure is a PolicyConfigError naming the fix."""
    try:
        return what(root, stack)
    except StackReadError as exc:
        raise PolicyConfigError(
            f"{exc}. Every stack with a Pulumi.<stack>.yaml in this project must exist in this "
            "backend (its owner creates it with its own passphrase: pulumi stack init <name>)."
        ) from None


def recorded(stack: str, config: Mapping[str, Any]) -> dict[str, str]:
    """The fingerprints a stack records in its config (realm -> fingerprint), validated."""
    entries = config.get(FINGERPRINTS_KEY) or {}
    if not isinstance(entries, dict):
        raise PolicyConfigError(
            f"stack {stack}: {NS}{FINGERPRINTS_KEY} must map realm names to fingerprints; "
            f"re-create it with: python -m aic_sessions.policy_pack.config --stack {stack} --record"
        )
    bad = sorted(r for r, v in entries.items() if not (isinstance(v, str) and FINGERPRINT.match(v)))
    if bad:
        raise PolicyConfigError(
            f"stack {stack}: {NS}{FINGERPRINTS_KEY} has no valid fingerprint for "
            f"{', '.join(bad)} (expected scrypt:<32 hex digits>); re-create it with: "
            f"python -m aic_sessions.policy_pack.config --stack {stack} --record"
        )
    return {_realm(r): v for r, v in entries.items()}


def published(root: Path, stack: str) -> dict[str, str]:
    """Realm -> fingerprint of the stack's deployed `realms` output ({} when never deployed).

    A realm without one (an ESV reference) has none; one that cannot be read (blinded as a
    secret, or malformed) is an error, not a realm without a fingerprint.
    """
    found: dict[str, str] = {}
    for realm, values in (read(stack_reader.outputs, root, stack).get("realms") or {}).items():
        fingerprint = values.get("signingSecretFingerprint") if isinstance(values, dict) else None
        if fingerprint is None:
            continue
        if not (isinstance(fingerprint, str) and FINGERPRINT.match(fingerprint)):
            raise PolicyConfigError(
                f"stack {stack}: the deployed realms.{realm}.signingSecretFingerprint output is "
                "not a readable fingerprint (blinded as a secret?); run "
                f"`pulumi up` of {stack} to publish it again"
            )
        found[_realm(realm)] = fingerprint
    return found


def fingerprints(root: Path, stack: str, config: Mapping[str, Any]) -> dict[str, list[str]]:
    """Realm -> fingerprints another stack uses: published (deployed) and recorded (config)."""
    found: dict[str, list[str]] = {}
    for source in (published(root, stack), recorded(stack, config)):
        for realm, fingerprint in source.items():
            if fingerprint not in found.get(realm, []):
                found.setdefault(realm, []).append(fingerprint)
    return found


def claims(label: str, config: Mapping[str, Any]) -> list[dict[str, str]]:
    """The tenant and realms another stack configures (non-secret config): its claims."""
    base_url = config.get("baseUrl")
    realms = config.get("realms")
    if not isinstance(base_url, str) or not isinstance(realms, list):
        return []
    return [
        {"stack": label, "baseUrl": base_url, "realm": str(r["name"])}
        for r in realms
        if isinstance(r, dict) and isinstance(r.get("name"), str)
    ]


# An environment without an entry of its own takes the entry of its place: by its AIC stage
# first, then by its long name (`production`, or stage production, is `prod`).
SAME_PLACE = {"production": "prod", "development": "dev", "staging": "staging", "uat": "uat"}


def environment_levels(levels: Path, environment: str, stage: str | None = None) -> dict[str, Any]:
    """The policies' settings for `environment`: the file's defaults, then its entry (or the
    entry of the same place, `SAME_PLACE`, by its name or its AIC `stage`)."""
    try:
        settings = yaml.safe_load(levels.read_text()) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise PolicyConfigError(f"cannot read the levels file {levels}: {exc}") from None
    try:
        check_levels(settings)
    except LevelsError as exc:
        problems = str(exc).replace("\n", "\n  ")
        raise PolicyConfigError(
            f"the levels file {levels} has problems (nothing was written):\n  {problems}"
        ) from None
    typo = one_typo_from(environment, [str(e) for e in settings.get("environments") or {}])
    if typo:
        raise PolicyConfigError(
            f"unknown environment {environment!r}; did you mean {typo!r}? It has policy levels "
            f"of its own in {levels.name}. Fix aic-sessions:environment (or the stack's name); "
            "a new environment of that name needs its own entry there (--levels FILE)."
        )
    entries = settings.get("environments") or {}
    if environment not in entries:
        places = [SAME_PLACE.get(stage or ""), SAME_PLACE.get(environment)]  # the stage first
        environment = next((p for p in places if p is not None and p in entries), environment)
    merged: dict[str, Any] = {k: dict(v) for k, v in (settings.get("defaults") or {}).items()}
    for policy, values in (entries.get(environment) or {}).items():
        merged.setdefault(policy, {}).update(values)
    return merged


def build(root: Path, stack: str, levels: Path = SHIPPED_LEVELS) -> dict[str, Any]:
    """The `--policy-pack-config` document for `stack`; decrypts no stack's secrets."""
    try:
        names = sorted({*stack_reader.stack_names(root), stack})
    except (OSError, yaml.YAMLError) as exc:
        raise PolicyConfigError(f"{root} is not a readable Pulumi project: {exc}") from None
    configs = {name: read(stack_reader.public_config, root, name) for name in names}
    environment = str(configs[stack].get("environment") or stack)
    others: dict[str, dict[str, str]] = {}
    claimed: list[dict[str, str]] = []
    for name, config in configs.items():
        if name == stack:
            continue
        label = f"{config.get('environment') or name} (stack {name})"
        claimed += claims(label, config)
        for realm, prints in fingerprints(root, name, config).items():
            for index, fingerprint in enumerate(prints):
                key = realm if index == 0 else f"{realm}#{index}"
                others.setdefault(label, {})[key] = fingerprint
    stage = configs[stack].get("stage")
    document = environment_levels(levels, environment, str(stage) if stage else None)
    document[DISTINCT] = {
        **document.get(DISTINCT, {}),
        "environment": environment,
        "otherEnvironments": others,
    }
    document[CONFIG_GIVEN] = {**document.get(CONFIG_GIVEN, {}), "environment": environment}
    document[RECORDED] = {**document.get(RECORDED, {}), "recorded": recorded(stack, configs[stack])}
    document[SINGLE_OWNER] = {**document.get(SINGLE_OWNER, {}), "claimedElsewhere": claimed}
    for policy in (DISTINCT, CONFIG_GIVEN, RECORDED, SINGLE_OWNER):  # the pack refuses it elsewhere
        document[policy]["stack"] = stack
    return document


def given_fingerprints(root: Path, stack: str) -> dict[str, str]:
    """Realm -> fingerprint of each `SigningSecret` with a given value, as the stack's preview
    checks it (whatever config key the program reads the value from)."""
    try:
        previewed = stack_reader.previewed_inputs(root, stack)
    except StackReadError as exc:
        raise PolicyConfigError(str(exc)) from None
    found: dict[str, str] = {}
    for kind, inputs in previewed:
        fingerprint = inputs.get("fingerprint")
        if kind == SIGNING_SECRET and inputs.get("valueSource") == "given":
            if not (isinstance(fingerprint, str) and FINGERPRINT.match(fingerprint)):
                raise PolicyConfigError(
                    f"stack {stack}: the fingerprint of the given secret of realm "
                    f"{inputs.get('realm')} is not known at preview (a value computed from "
                    "another resource?); give the value from the stack's config"
                )
            found[_realm(str(inputs.get("realm")))] = fingerprint
    return found


def record(root: Path, stack: str) -> tuple[dict[str, str], list[str]]:
    """Writes the fingerprints of the stack's given secrets into its non-secret config; removes
    records of realms without one. Returns (recorded, removed)."""
    fingerprints_now = given_fingerprints(root, stack)
    config = read(stack_reader.public_config, root, stack)
    stale = sorted(set(recorded(stack, config)) - set(fingerprints_now))
    if not fingerprints_now and FINGERPRINTS_KEY in config:
        _config(root, stack, "rm", NS + FINGERPRINTS_KEY)
    for realm in stale if fingerprints_now else ():
        _config(root, stack, "rm", "--path", _path(realm))
    for realm, fingerprint in sorted(fingerprints_now.items()):
        _config(root, stack, "set", "--plaintext", "--path", _path(realm), fingerprint)
    return fingerprints_now, stale


def _config(root: Path, stack: str, *args: str) -> None:
    proc = stack_reader.run(root, "config", *args, "--stack", stack)
    if proc.returncode != 0:
        raise PolicyConfigError(f"`pulumi config {args[0]}` failed: {proc.stderr.strip()}")


def _path(realm: str) -> str:
    return f"{NS}{FINGERPRINTS_KEY}[{json.dumps(realm)}]"  # any project's name


def _realm(name: str) -> str:
    return realm_name(name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stack", required=True)
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--output", type=Path, help="write the stack's policy-pack config here")
    action.add_argument(
        "--record",
        action="store_true",
        help="record the fingerprints of the stack's given secrets in its config",
    )
    parser.add_argument(
        "--root", type=Path, default=Path.cwd(), help="the Pulumi project (default: here)"
    )
    parser.add_argument(
        "--levels",
        type=Path,
        default=SHIPPED_LEVELS,
        help="per-environment policy levels and bounds (default: the pack's environments.yaml)",
    )
    args = parser.parse_args(argv)
    root = args.root.resolve()
    try:
        if args.record:
            return _report_record(args.stack, *record(root, args.stack))
        document = build(root, args.stack, args.levels)
    except PolicyConfigError as exc:
        print(f"policy config for {args.stack}: {exc}", file=sys.stderr)
        return 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(document, indent=2) + "\n")
    others = document[DISTINCT]["otherEnvironments"]
    count = sum(len(v) for v in others.values())
    claims_ = document[SINGLE_OWNER]["claimedElsewhere"]
    stacks = {c["stack"] for c in claims_} | set(others)
    print(
        f"policy config for {args.stack}: {len(claims_)} realm(s) and {count} signing-secret "
        f"fingerprint(s) of {len(stacks)} other stack(s)"
    )
    return 0


def _report_record(stack: str, done: dict[str, str], removed: list[str]) -> int:
    """What `--record` did; recording nothing at all is a failure (nothing to compare)."""
    if removed:
        print(f"removed the record of {', '.join(removed)} in stack {stack} (no given secret)")
    if done:
        print(f"recorded {len(done)} fingerprint(s) in stack {stack}: {', '.join(sorted(done))}")
        return 0
    if removed:
        return 0
    print(
        f"policy config for {stack}: recorded nothing: the stack's preview declares no "
        "SigningSecret with a given value (generated and ESV-held secrets need no record). "
        "Check --stack and that the program passes value= to the secret.",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
