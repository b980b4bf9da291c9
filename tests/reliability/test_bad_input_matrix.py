"""Bad input through the real engine: every case fails at `pulumi preview`, names the
property, writes nothing, and never quotes a secret it was given. No policy pack runs here: the
provider's own `check` and the program must refuse each case by themselves.

Two ways in, as users have them:
- `stack`: this repository's program with a stack config (`aic-sessions:` keys);
- `library`: a consumer project (`acme-matrix`) declaring one resource with raw arguments, as a
  library user's program does, so the provider's `check` sees the values unconverted.

`THROUGH_ENGINE` runs through `pulumi preview`: where the engine, its config handling or the
provider's configuration take part (stack secrets, 10 MB values, TLS settings, credentials in
plaintext config) and one case of each kind of validation. The others only test validation:
they run in-process, through the same functions the program calls (`load_stack_config`,
`check_given_secrets`) or through the resource's own constructor and its provider's `check`.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aic_sessions.resources as kinds
import pulumi
import pulumi.dynamic
import pytest
import yaml
from aic_emulator.testing import EmulatorServer
from aic_sessions.domain.names import to_camel
from aic_sessions.program.stack_config import (
    StackConfigError,
    check_given_secrets,
    load_stack_config,
)
from aic_sessions.resources import connection

from tests.engine.project import copy_project, emulator_cli, write_stack
from tests.engine_cli import PulumiCLI, write_python_project

STRONG = base64.b64encode(bytes(range(7, 39))).decode()  # 32 distinct bytes
ZEROS = base64.b64encode(bytes(16)).decode()  # 16 zero bytes: 128 bits of nothing
LETTERS = "A" * 64  # base64 of 48 zero bytes
PATTERN = base64.b64encode(b"ab" * 16).decode()
FEW_BYTES = base64.b64encode(bytes([1, 2, 3, 4, 5, 6] * 6)[:32]).decode()
# 10 MB of random base64, as a file's content set by mistake would be. (A periodic value of that
# size makes the engine's own secret filter, Go's strings.Replacer, take quadratic time.)
HUGE = base64.b64encode(os.urandom(7_500_000)).decode()
LARGE = base64.b64encode(bytes(range(256)) * 16).decode()  # 4 KiB decoded: over the limit
NOT_A_CERTIFICATE = "not a certificate\n"

LIBRARY_PROGRAM = """\
import pulumi
import aic_sessions.resources as kinds

config = pulumi.Config()
spec = config.require_object("resource")


def expand(value):
    if isinstance(value, dict) and "repeat" in value:  # large values are built here, not sent
        return value["repeat"] * value["times"]
    return value


args = {"base_url": config.require("tenant"), **{k: expand(v) for k, v in spec["args"].items()}}
getattr(kinds, spec["type"])("subject", **args)
"""


@dataclass(frozen=True)
class Case:
    """One bad input: where it goes in, and the words the failure must contain."""

    via: str  # "stack" or "library"
    names: tuple[str, ...]  # every one must be in the output (the property, the problem)
    realms: list[dict[str, Any]] = field(default_factory=list)
    given: dict[str, str] = field(default_factory=dict)  # realm -> aic-sessions:signingSecrets
    config: dict[str, str] = field(default_factory=dict)  # extra plain `aic-sessions:` keys
    secret_config: dict[str, str] = field(default_factory=dict)
    resource: dict[str, Any] = field(default_factory=dict)  # library: type and args
    hidden: tuple[str, ...] = ()  # values that must never be printed


def alpha(**sections: Any) -> list[dict[str, Any]]:
    return [{"name": "alpha", **sections}]


def given_alpha(value: str) -> Case:
    """A given secret the program refuses by its key, before any resource is declared."""
    names = ("aic-sessions:signingSecrets.alpha: the signing secret", "openssl rand -base64 32")
    return Case("stack", names, alpha(signingSecret={"source": "given"}), {"alpha": value})


def library(kind: str, names: tuple[str, ...], hidden: tuple[str, ...] = (), **args: Any) -> Case:
    return Case(
        "library", names, resource={"type": kind, "args": {"realm": "alpha", **args}}, hidden=hidden
    )


def secret(value: str, *names: str) -> Case:
    return library("SigningSecret", ("value", *names), hidden=(value.strip(),), value=value)


CASES: dict[str, Case] = {
    # signing secrets: weak, padded, oversized (the stack's program, no policy pack)
    "stack-secret-16-zero-bytes": given_alpha(ZEROS),
    "stack-secret-A-times-64": given_alpha(LETTERS),
    "stack-secret-surrounding-spaces": given_alpha(f"  {STRONG}  "),
    "stack-secret-trailing-newline": given_alpha(f"{STRONG}\n"),
    "stack-secret-over-4096-characters": given_alpha(LARGE),
    "stack-secret-10-mb": Case(
        "stack",
        ("aic-sessions:signingSecrets", "bytes"),
        alpha(signingSecret={"source": "given"}),
        {"alpha": HUGE},
    ),
    # the same through a library user's program
    "library-secret-16-zero-bytes": secret(ZEROS, "0x00 repeated"),
    "library-secret-A-times-64": secret(LETTERS, "0x00 repeated"),
    "library-secret-repeated-pattern": secret(PATTERN, "pattern"),
    "library-secret-few-distinct-bytes": secret(FEW_BYTES),
    "library-secret-surrounding-spaces": secret(f" {STRONG} ", "whitespace"),
    "library-secret-not-base64": secret("not base64 at all!", "base64"),
    "library-secret-too-short": secret(base64.b64encode(b"0123456789").decode(), "80 bits"),
    "library-secret-10-mb": library(
        "SigningSecret", ("value", "more than the 4096"), value={"repeat": "QUJD", "times": 2621440}
    ),
    "library-secret-a-number": library("SigningSecret", ("value", "valid string"), value=5),
    "library-secret-and-esv-reference": library(
        "SigningSecret", ("value", "not both"), value=STRONG, esv_reference="esv-alpha-secret"
    ),
    "library-esv-secret-16-zero-bytes": library(
        "EsvSecret", ("value", "0x00 repeated"), (ZEROS,), name="esv-alpha-sig", value=ZEROS
    ),
    # strict types: nothing converted (stack config)
    "stack-minutes-quoted-5": Case(
        "stack",
        ("realms[0].journey.maxDurationMinutes",),
        alpha(journey={"maxDurationMinutes": "5"}),
    ),
    "stack-minutes-5.5": Case(
        "stack",
        ("realms[0].journey.maxDurationMinutes",),
        alpha(journey={"maxDurationMinutes": 5.5}),
    ),
    "stack-client-side-quoted-false": Case(
        "stack",
        ("realms[0].authenticated.clientSideSessions",),
        alpha(authenticated={"clientSideSessions": "false"}),
    ),
    "stack-client-side-1": Case(
        "stack",
        ("realms[0].authenticated.clientSideSessions",),
        alpha(authenticated={"clientSideSessions": 1}),
    ),
    "stack-allowlisting-yes": Case(
        "stack", ("realms[0].journey.allowlisting",), alpha(journey={"allowlisting": "yes"})
    ),
    "stack-scheme-lowercase": Case(
        "stack", ("realms[0].journey.stateManagement",), alpha(journey={"stateManagement": "cts"})
    ),
    "stack-restart-timeout-quoted": Case(
        "stack",
        ("esvRestart.timeoutSeconds",),
        alpha(),
        config={"esvRestart": '{"timeoutSeconds": "900"}'},
    ),
    # strict types through a library user's program
    "library-minutes-quoted-5": library(
        "JourneySessionSettings", ("maxDurationMinutes", "a string"), max_duration_minutes="5"
    ),
    "library-minutes-5.5": library(
        "JourneySessionSettings", ("maxDurationMinutes",), max_duration_minutes=5.5
    ),
    "library-minutes-true": library(
        "JourneySessionSettings", ("maxDurationMinutes", "a boolean"), max_duration_minutes=True
    ),
    "library-allowlisting-quoted-false": library(
        "JourneySessionSettings", ("allowlisting", "a string"), allowlisting="false"
    ),
    "library-allowlisting-yes": library(
        "JourneySessionSettings", ("allowlisting", "a string"), allowlisting="yes"
    ),
    "library-client-side-quoted-false": library(
        "AuthenticatedSessionSettings", ("clientSideSessions",), client_side_sessions="false"
    ),
    "library-session-time-quoted": library(
        "AuthenticatedSessionSettings", ("maxSessionTimeMinutes",), max_session_time_minutes="120"
    ),
    "library-scheme-lowercase": library(
        "JourneySessionSettings", ("stateManagement",), state_management="cts"
    ),
    "library-base-url-ftp": library(
        "JourneySessionSettings", ("baseUrl",), base_url="ftp://tenant.example.com/am"
    ),
    # the root realm is named, never implied
    "stack-realm-empty": Case("stack", ("realms[0].name", "'root'"), [{"name": ""}]),
    "stack-realm-slash": Case("stack", ("realms[0].name", "'root'"), [{"name": "/"}]),
    "stack-realm-spaces": Case("stack", ("realms[0].name", "whitespace"), [{"name": " alpha"}]),
    "library-realm-empty": library("JourneySessionSettings", ("realm", "'root'"), realm=""),
    "library-realm-slash": library("SigningSecret", ("realm", "'root'"), realm="/"),
    "library-realm-double-slash": library(
        "AuthenticatedSessionSettings", ("realm", "'root'"), realm="//"
    ),
    "library-realm-too-long": library("JourneySessionSettings", ("realm",), realm="a" * 600),
    # a value next to a source that takes none is not silently dropped
    "stack-esv-source-with-value": Case(
        "stack",
        ("signingSecrets.alpha", "'esv'"),
        alpha(signingSecret={"source": "esv", "esvReference": "esv-alpha-secret"}),
        {"alpha": STRONG},
    ),
    "stack-generated-source-with-value": Case(
        "stack", ("signingSecrets.alpha", "'generated'"), alpha(), {"alpha": STRONG}
    ),
    "stack-value-for-unlisted-realm": Case(
        "stack", ("signingSecrets.bravo", "no realm 'bravo'"), alpha(), {"bravo": STRONG}
    ),
    # provider configuration
    "stack-verify-tls-yes": Case(
        "stack", ("aic-sessions:verifyTls", "true or false"), alpha(), config={"verifyTls": "yes"}
    ),
    "stack-sa-id-without-its-key": Case(
        "stack", ("aic-sessions:saId", "without aic-sessions:saJwk"), alpha(), config={"saId": "sa"}
    ),
    "stack-ca-bundle-missing": Case(
        "stack",
        ("aic-sessions:caBundle", "does not exist"),
        alpha(),
        config={"caBundle": "MISSING"},
    ),
    "stack-ca-bundle-directory": Case(
        "stack", ("aic-sessions:caBundle", "directory"), alpha(), config={"caBundle": "DIRECTORY"}
    ),
    "stack-ca-bundle-not-pem": Case(
        "stack", ("aic-sessions:caBundle", "no PEM"), alpha(), config={"caBundle": "NOT_PEM"}
    ),
    # names that only look valid, numbers AM cannot hold, URLs that only look like AM's
    "stack-realm-newline-before-slash": Case(
        "stack", ("realms[0].name", "not a valid realm name"), [{"name": "alpha\n/bravo"}]
    ),
    "library-realm-newline-before-slash": library(
        "JourneySessionSettings", ("realm", "not a valid realm name"), realm="alpha\n/bravo"
    ),
    "stack-quota-limit-2-to-the-40": Case(
        "stack",
        ("realms[0].authenticated.quotaLimit", "2147483647"),
        alpha(authenticated={"quotaLimit": 2**40}),
    ),
    "library-quota-limit-2-to-the-40": library(
        "AuthenticatedSessionSettings", ("quotaLimit", "2147483647"), quota_limit=2**40
    ),
    "library-base-url-dot-dot": library(
        "JourneySessionSettings",
        ("baseUrl", "'..' segments"),
        base_url="https://t.example/am/../am",
    ),
    "library-base-url-percent-escape": library(
        "JourneySessionSettings", ("baseUrl", "%-escapes"), base_url="https://t.example/%61m"
    ),
    "library-plain-http-to-another-host": library(
        "JourneySessionSettings",
        ("baseUrl", "cleartext", "aic-sessions:allowInsecureHttp true"),
        base_url="http://tenant.example.test/am",
    ),
    "library-options-misspelt": Case(
        "library",
        ("AuthenticatedOptions", "'max_sesion_time_minutes'", "max_session_time_minutes?"),
        resource={
            "type": "RealmSessionSettings",
            "args": {"realm": "alpha", "authenticated": {"max_sesion_time_minutes": 5}},
        },
    ),
    "stack-realms-a/b-and-a-b": Case(
        "stack",
        ("aic-sessions:realms", "a/b and a-b", "same resource names"),
        [{"name": "a/b"}, {"name": "a-b"}],
    ),
    # credentials in plaintext stack config
    "stack-plaintext-sa-jwk": Case(
        "stack",
        ("aic-sessions:saJwk", "pulumi config set --secret --stack matrix aic-sessions:saJwk"),
        alpha(),
        config={"saJwk": "SA_JWK"},
        hidden=("SA_JWK_D",),
    ),
    "stack-plaintext-admin-password": Case(
        "stack",
        ("aic-sessions:adminPassword", "pulumi config set --secret"),
        alpha(),
        config={"adminUsername": "amadmin", "adminPassword": "ADMIN_PASSWORD"},
        hidden=("ADMIN_PASSWORD",),
    ),
    "library-plaintext-access-token": Case(
        "library",
        ("aic-sessions:accessToken", "pulumi config set --secret"),
        config={"accessToken": "a-pre-issued-token-0123456789"},
        resource={"type": "JourneySessionSettings", "args": {"realm": "alpha"}},
        hidden=("a-pre-issued-token-0123456789",),
    ),
}

THROUGH_ENGINE = {
    *(name for name in CASES if name.startswith("stack-secret-")),
    "stack-minutes-quoted-5",
    "stack-realm-slash",
    "stack-value-for-unlisted-realm",
    "stack-verify-tls-yes",
    "stack-sa-id-without-its-key",
    "stack-ca-bundle-missing",
    "stack-ca-bundle-directory",
    "stack-ca-bundle-not-pem",
    "stack-plaintext-sa-jwk",
    "stack-plaintext-admin-password",
    "library-plaintext-access-token",
    "library-secret-16-zero-bytes",
    "library-secret-10-mb",
    "library-minutes-quoted-5",
    "library-realm-empty",
    "library-options-misspelt",
}
ENGINE = [name for name in CASES if name in THROUGH_ENGINE]  # in the table's order
IN_PROCESS = [name for name in CASES if name not in THROUGH_ENGINE]

STACK = "matrix"


@pytest.mark.engine
@pytest.mark.parametrize("case", [CASES[n] for n in ENGINE], ids=ENGINE)
def test_bad_input_fails_at_preview_named_with_no_write(
    case: Case, tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    cli = project(case, tmp_path, engine_env, aic_emulator)
    aic_emulator.clear_requests()

    result = cli.run("preview", check=False, timeout=900)

    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    for name in case.names:
        assert name in output, f"{name!r} not named:\n{output[-3000:]}"
    assert "Traceback" not in output, output[-3000:]
    # A stack setting is no resource property: the engine would print the resource's absent
    # value of that name ("value {<nil>}") beside the reason.
    assert "<nil>" not in output, output[-3000:]
    assert int(aic_emulator.request_counts()["writes"]) == 0
    for value in [*case.hidden, *case.given.values()]:
        value = placeholder(value, aic_emulator).strip()
        assert len(value) < 8 or value not in output, "a secret was printed"


@pytest.mark.parametrize("case", [CASES[n] for n in IN_PROCESS], ids=IN_PROCESS)
def test_bad_input_is_refused_in_process_named_with_no_write(
    case: Case, aic_emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    aic_emulator.clear_requests()
    if case.via == "stack":
        refusal = stack_refusal(case, aic_emulator)
    else:
        refusal = check_refusal(case, aic_emulator, monkeypatch)
    for name in case.names:
        assert name in refusal, f"{name!r} not named:\n{refusal}"
    assert int(aic_emulator.request_counts()["total"]) == 0
    for value in [*case.hidden, *case.given.values()]:
        assert len(value.strip()) < 8 or value.strip() not in refusal, "a secret was printed"


def stack_refusal(case: Case, emulator: EmulatorServer) -> str:
    """What the program's stack-config validation says (`__main__.py` calls these two)."""
    values: dict[str, Any] = {"environment": "dev", "baseUrl": emulator.base_url}
    values["realms"] = case.realms
    values.update({key: json.loads(value) for key, value in case.config.items()})
    try:
        check_given_secrets(load_stack_config(values), dict.fromkeys(case.given, "[secret]"))
    except StackConfigError as exc:
        return str(exc)
    raise AssertionError("the stack configuration was accepted")


def check_refusal(case: Case, emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> str:
    """The resource's constructor makes its properties and provider (the engine's registration
    replaced by a capture; `Output.secret` by the value itself), then the provider's `check`
    sees them as the engine sends them: camelCase names, no unset (None) property."""
    captured: dict[str, Any] = {}

    def capture(resource: Any, provider: Any, _name: str, props: dict[str, Any], *_: Any) -> None:
        captured["provider"] = provider
        captured["props"] = {
            resource.translate_input_property(k): v for k, v in props.items() if v is not None
        }

    monkeypatch.setattr(pulumi.dynamic.Resource, "__init__", capture)
    monkeypatch.setattr(pulumi.Output, "secret", staticmethod(lambda value: value))
    args = {"base_url": emulator.base_url, **case.resource["args"]}
    args = {k: v["repeat"] * v["times"] if isinstance(v, dict) else v for k, v in args.items()}
    with connection.deployment():  # a program run of its own: no stack config, nothing claimed
        getattr(kinds, case.resource["type"])("subject", **args)
        result = captured["provider"].check({}, captured["props"])
    assert result.failures, "the provider accepted the input"
    named = {to_camel(key) for key in args}
    assert {f.property for f in result.failures} <= named, result.failures
    return "\n".join(f"{f.property}: {f.reason}" for f in result.failures)


@pytest.mark.engine
@pytest.mark.parametrize("written", ["5.0", "5e0"])
def test_whole_number_hand_written_as_a_decimal_fails_at_preview(
    written: str, tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    """`maxDurationMinutes: 5.0` (or `5e0`) typed into the stack file: the engine hands the
    program and the provider every number as a double (it arrives as 5, and `pulumi config set`
    rewrites the file as 5), so the program reads the file as written and refuses it, naming
    the key."""
    case = Case("stack", (), alpha())
    cli = project(case, tmp_path, engine_env, aic_emulator)
    stack_file = cli.cwd / "stacks" / f"Pulumi.{STACK}.yaml"
    document = yaml.safe_load(stack_file.read_text())
    document["config"]["aic-sessions:realms"] = alpha(journey={"maxDurationMinutes": 5.0})
    text = yaml.safe_dump(document)
    stack_file.write_text(text.replace("Minutes: 5.0", f"Minutes: {written}"))
    assert f"maxDurationMinutes: {written}" in stack_file.read_text()
    aic_emulator.clear_requests()
    result = cli.run("preview", check=False)
    assert result.returncode != 0
    assert "aic-sessions:realms[0].journey.maxDurationMinutes is written as a decimal" in (
        result.stdout
    )
    assert int(aic_emulator.request_counts()["writes"]) == 0


def project(
    case: Case, tmp_path: Path, engine_env: dict[str, str], emulator: EmulatorServer
) -> PulumiCLI:
    """The case's project and stack, initialised; credentials in the environment."""
    if case.via == "stack":
        directory = copy_project(tmp_path / "project")
        stack_config = {"environment": "dev", "baseUrl": emulator.base_url, "realms": case.realms}
        write_stack(directory, STACK, stack_config)
    else:
        directory = tmp_path / "acme-matrix"
        write_python_project(directory, "acme-matrix", LIBRARY_PROGRAM)
    cli = emulator_cli(directory, engine_env, emulator)
    if any(k in case.config for k in ("saJwk", "adminPassword", "accessToken")):
        for variable in ("AIC_SA_ID", "AIC_SA_JWK"):
            cli.env.pop(variable, None)
    cli.run("stack", "init", STACK)
    if case.via == "library":
        cli.run("config", "set", "tenant", emulator.base_url)
        set_config(cli, "resource", json.dumps(case.resource), secret=False, as_object=True)
    for key, value in case.config.items():
        resolved = placeholder(value, emulator, tmp_path)
        set_config(
            cli, f"aic-sessions:{key}", resolved, secret=False, as_object=key == "esvRestart"
        )
    for realm, value in case.given.items():
        set_config(cli, f"signingSecrets.{realm}", value, secret=True, path=True)
    return cli


def placeholder(value: str, emulator: EmulatorServer, tmp_path: Path | None = None) -> str:
    """Values that depend on the test: the emulator's key, files for caBundle."""
    _, jwk = emulator.service_account
    if value == "SA_JWK":
        return json.dumps(jwk)
    if value == "SA_JWK_D":
        return str(jwk["d"])
    if value == "ADMIN_PASSWORD":
        return emulator.admin[1]
    if tmp_path is not None and value in ("MISSING", "DIRECTORY", "NOT_PEM"):
        target = tmp_path / "ca" / value.lower()
        if value == "DIRECTORY":
            target.mkdir(parents=True)
        elif value == "NOT_PEM":
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(NOT_A_CERTIFICATE)
        return str(target)
    return value


def set_config(
    cli: PulumiCLI,
    key: str,
    value: str,
    *,
    secret: bool,
    path: bool = False,
    as_object: bool = False,
) -> None:
    """`pulumi config set`, or the stack file for objects."""
    if as_object:  # objects through the stack file, as users write them
        stack_file = (
            cli.cwd
            / ("stacks" if (cli.cwd / "stacks").is_dir() else ".")
            / (f"Pulumi.{STACK}.yaml")
        )
        document = yaml.safe_load(stack_file.read_text()) if stack_file.exists() else {}
        document = document or {}
        full = key if ":" in key else f"{cli.cwd.name}:{key}"
        document.setdefault("config", {})[full] = json.loads(value)
        stack_file.write_text(yaml.safe_dump(document))
        return
    flags = ["--secret" if secret else "--plaintext", *(["--path"] if path else [])]
    # Large values on stdin (a command line has a size limit); small ones as an argument, since
    # stdin loses a trailing newline. Either way the test's values only.
    large = len(value) > 65536
    cli.run(
        "config",
        "set",
        *flags,
        key,
        *([] if large else ["--", value]),
        stdin=value if large else None,
        timeout=300,
    )
