"""Stack files as written: what the engine stores or changes before any of our code runs.

Two checks read `Pulumi.<stack>.yaml` itself (the first the project file, `Pulumi.yaml`, too):
- a credential (`aic-sessions:saJwk`, `adminPassword`, `accessToken`, `fingerprintKey`,
  `signingSecrets`) in plaintext: every engine command (`up --skip-preview`, `refresh`,
  `destroy` too) copies the stack's configuration into the backend's history before the program
  or the provider runs, so only a check of the file, before it is committed or deployed, keeps
  it out of there;
- a whole-number setting written with a decimal point (`maxDurationMinutes: 5.0`): the engine
  hands programs and providers every number as a double, so `5.0` arrives as `5` and only the
  file shows what was written.

`aic-sessions check-stack-files FILE_OR_PROJECT_DIR...` (also `python -m
aic_sessions.program.stack_files`) runs both for CI and the pre-commit hook; the program runs
them on its own stack file at every preview and up. Messages never quote a value.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from aic_sessions.domain.attributes import STATIC_SECTIONS
from aic_sessions.domain.namespace import NAMESPACE, config_key

CREDENTIAL_KEYS = ("saJwk", "adminPassword", "accessToken", "fingerprintKey", "signingSecrets")
_SOURCES = {
    "saJwk": "sa-key.jwk",
    "adminPassword": "admin-password.txt",
    "accessToken": "access-token.txt",
    "fingerprintKey": "fingerprint-key.txt",
}


def fix_command(stack: str, key: str) -> str:
    """The command that sets credential `key` (e.g. `aic-sessions:saJwk`) again as a secret."""
    bare = key.split(":", 1)[-1]
    if bare == "signingSecrets":  # realm -> value: one secret per realm
        return (
            f"pulumi config rm --stack {stack} {key}; then per realm: pulumi config set "
            f"--secret --stack {stack} --path 'aic-sessions:signingSecrets.<realm>' < secret.b64"
        )
    return f"pulumi config set --secret --stack {stack} {key} < {_SOURCES.get(bare, 'value.txt')}"


def _is_secure(value: Any) -> bool:
    """A value Pulumi stored encrypted: `{secure: ...}`, or an object whose leaves all are."""
    if isinstance(value, Mapping):
        return "secure" in value or all(_is_secure(v) for v in value.values())  # {}: nothing
    if isinstance(value, list):
        return all(_is_secure(v) for v in value)
    return value is None


def plaintext_credentials(config: Mapping[str, Any]) -> list[str]:
    """The credential keys of a stack file's `config` that hold a plaintext value."""
    keys = (config_key(k) for k in CREDENTIAL_KEYS)
    return [k for k in keys if k in config and not _is_secure(config[k])]


# A number with a fraction or an exponent (`5.0`, `30.`, `5e0`, `12E+1`): the engine's YAML
# reads each as a float and hands programs the whole number; PyYAML (YAML 1.1) reads the
# exponent forms without a point as strings, so the text is matched too.
_FLOAT_TEXT = re.compile(r"[-+]?(\.\d+|\d+\.\d*|\d+(\.\d*)?[eE][-+]?\d+)")


def _written_as_float(value: Any) -> bool:
    return isinstance(value, float) or (
        isinstance(value, str) and _FLOAT_TEXT.fullmatch(value) is not None
    )


def decimal_whole_numbers(config: Mapping[str, Any]) -> list[str]:
    """`<project>:realms[i].<section>.<attribute>` paths of whole-number settings written as
    floats (`5.0`, `5e0`), for any project's namespace."""
    found = []
    for key, realms in config.items():
        if not key.endswith(":realms") or not isinstance(realms, list):
            continue
        for i, spec in enumerate(realms):
            for section, table in STATIC_SECTIONS.items():
                values = spec.get(section) if isinstance(spec, Mapping) else None
                if not isinstance(values, Mapping):
                    continue
                found += [
                    f"{key}[{i}].{section}.{a.name}"
                    for a in table
                    if a.kind is int and _written_as_float(values.get(a.name))
                ]
    return found


def safe_load(text: str) -> Any:
    """`yaml.safe_load` with libyaml's parser where PyYAML has it: the program and every
    provider process read the stack file, and a file of 200 realms takes ~60 ms in pure Python."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)  # noqa: S506 (a safe loader, libyaml's or PyYAML's)


def problems(path: Path) -> list[str]:
    """Every problem of one stack file, each naming the key and the fix (never a value)."""
    import yaml  # the `cli` extra; the program's own environment has it

    try:
        document = safe_load(path.read_text()) or {}
    except (OSError, yaml.YAMLError) as exc:
        return [f"cannot be read as YAML ({type(exc).__name__}); fix the file"]
    config = document.get("config") if isinstance(document, Mapping) else None
    if not isinstance(config, Mapping):
        return []
    if path.name in PROJECT_FILES:
        return project_file_problems(config, document.get("name"))
    stack = path.name.removeprefix("Pulumi.").removesuffix(".yaml").removesuffix(".yml")
    lines = [
        f"{key} is in plaintext: Pulumi would store it unencrypted in the backend's history "
        f"(every command, refresh and destroy too). Remove it and run: {fix_command(stack, key)}"
        " — and rotate the credential if the plaintext was ever committed or deployed."
        for key in plaintext_credentials(config)
    ]
    lines += [
        f"{where} is written as a decimal number (a point or an exponent); write a whole "
        "number (values are never converted, and the engine would silently make it whole)."
        for where in decimal_whole_numbers(config)
    ]
    return lines


def running_stack_file(project_dir: Path, stack: str) -> Path | None:
    """The running stack's file (`stackConfigDir` of Pulumi.yaml), if the project has one."""
    import yaml

    try:
        project = safe_load((project_dir / "Pulumi.yaml").read_text()) or {}
    except (OSError, yaml.YAMLError):
        return None
    folder = project_dir / str(project.get("stackConfigDir") or ".")
    for suffix in ("yaml", "yml"):
        candidate = folder / f"Pulumi.{stack}.{suffix}"
        if candidate.is_file():
            return candidate
    return None


def running_stack_problems(stack: str, project_dir: Path | None = None) -> list[str]:
    """The decimal whole numbers of the running stack's file (the program's check; plaintext
    credentials are refused by the resources themselves, `resources/credentials.py`)."""
    path = running_stack_file(project_dir or Path.cwd(), stack)
    if path is None:
        return []
    return [
        f"{where} is written as a decimal number in {path.name}; write a whole number "
        "(values are never converted)."
        for where in _decimals(path)
    ]


def _decimals(path: Path) -> list[str]:
    import yaml

    try:
        document = safe_load(path.read_text()) or {}
    except (OSError, yaml.YAMLError):
        return []
    config = document.get("config") if isinstance(document, Mapping) else None
    return decimal_whole_numbers(config) if isinstance(config, Mapping) else []


def project_stack_files(project_dir: Path, stack: str | None = None) -> list[Path]:
    """The stack files of the project in `project_dir`: the one of `stack`, else all."""
    import yaml

    try:
        project = safe_load((project_dir / "Pulumi.yaml").read_text()) or {}
    except (OSError, yaml.YAMLError):
        return []
    folder = project_dir / str(project.get("stackConfigDir") or ".")
    names = [f"Pulumi.{stack.rsplit('/', 1)[-1]}.{s}" for s in ("yaml", "yml")] if stack else []
    found = [folder / n for n in names if (folder / n).is_file()]
    return found or sorted(p for p in folder.glob("Pulumi.*.y*ml") if p.is_file())


PROJECT_FILES = ("Pulumi.yaml", "Pulumi.yml")


def project_file_problems(config: Mapping[str, Any], project: Any = None) -> list[str]:
    """A credential given a value in the project file (`Pulumi.yaml`'s `config:`, read by every
    stack): that file holds no secret at all, so any value is plaintext. A declaration (`type`,
    `description`, no value) is not one. In a project named `aic-sessions` a bare key is one."""
    found = []
    for key in (config_key(k) for k in CREDENTIAL_KEYS):
        bare = key.split(":", 1)[1]
        entry = config.get(key, config.get(bare) if project == NAMESPACE else None)
        given = entry is not None and not (
            isinstance(entry, Mapping) and "value" not in entry and "default" not in entry
        )
        if given:
            found.append(
                f"{key} is in plaintext in the project file (every stack reads it, and it is "
                "never encrypted). Remove it there and set it per stack as a secret: "
                f"{fix_command('<stack>', key)} — and rotate the credential if the plaintext was "
                "ever committed or deployed."
            )
    return found


class NotAProject(ValueError):
    """A folder given to check that is no Pulumi project (exit 2: nothing was checked)."""


def project_files(project_dir: Path) -> list[Path]:
    """The project file of the folder (`Pulumi.yaml`), if any."""
    return [project_dir / name for name in PROJECT_FILES if (project_dir / name).is_file()]


def files_to_check(args: Iterable[str]) -> list[Path]:
    """The files named, a project folder standing for its `Pulumi.yaml` and every stack file
    of its `stackConfigDir`."""
    paths: list[Path] = []
    for arg in args:
        path = Path(arg)
        if path.is_dir():
            project = project_files(path)
            if not project:
                raise NotAProject(f"{path} holds no Pulumi.yaml: name a project folder or files")
            paths += project + project_stack_files(path)
        else:
            paths.append(path)
    return paths


def plaintext_credential_problems(paths: Iterable[Path]) -> list[str]:
    """`<file>: <key> is in plaintext ...` for the credentials of the given stack files."""
    return [line for line in report(paths) if " is in plaintext" in line]


def report(paths: Iterable[Path]) -> list[str]:
    """`<file>: <problem>` for every problem of every file."""
    return [f"{path}: {problem}" for path in paths for problem in problems(path)]


def main(argv: list[str] | None = None) -> int:
    """Exit 1 when a stack file holds a plaintext credential or a decimal whole number."""
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print("usage: aic-sessions check-stack-files FILE_OR_PROJECT_DIR...", file=sys.stderr)
        return 2
    try:
        lines = report(files_to_check(args))
    except NotAProject as exc:
        print(exc, file=sys.stderr)
        return 2
    for line in lines:
        print(line, file=sys.stderr)
    return 1 if lines else 0


if __name__ == "__main__":
    raise SystemExit(main())
