"""The CI workflows: valid for actionlint (a real linter, pinned, installed by
scripts/ensure-actionlint), shaped as the pipeline must be (the chain's order through `needs`,
no cancelled deploys, pinned actions, previews outside environments), and the scripts they call
that need no engine (`changed-stacks`, `pipeline chain`, `pipeline report-drift`)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.engine_cli import REPO_ROOT

GITHUB = REPO_ROOT / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.yml"))
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40} # v\d+\.\d+\.\d+$")


def load(name: str) -> dict[Any, Any]:
    document: dict[Any, Any] = yaml.safe_load((GITHUB / "workflows" / name).read_text())
    return document


def triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    """`on:` (PyYAML reads the bare key as the boolean True)."""
    value: dict[str, Any] = workflow[True]
    return value


def chain_rows() -> list[tuple[str, str]]:
    lines = (GITHUB / "promotion-chain").read_text().splitlines()
    rows = [line.split("#")[0].split() for line in lines]
    return [(row[0], row[1]) for row in rows if row]


@pytest.fixture(scope="module")
def actionlint() -> str:
    proc = subprocess.run(
        [str(REPO_ROOT / "scripts" / "ensure-actionlint")],
        check=True,
        capture_output=True,
        text=True,
        timeout=900,
    )
    return proc.stdout.strip()


def lint(actionlint: str, *files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [actionlint, "-no-color", "-oneline", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO_ROOT,
    )


def test_workflows_pass_actionlint(actionlint: str) -> None:
    names = [p.name for p in WORKFLOWS]
    assert names == ["deploy-stage.yml", "deploy.yml", "drift.yml", "pull-request.yml", "tests.yml"]
    result = lint(actionlint, *WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(actionlint: str, tmp_path: Path) -> None:
    workflow = load("pull-request.yml")
    workflow["jobs"]["policy-check"]["needs"] = ["changes", "previews"]
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(
        yaml.safe_dump(workflow).replace("needs.preview.result", "needs.prevew.result")
    )
    result = lint(actionlint, broken)
    assert result.returncode == 1
    assert 'job "policy-check" needs job "previews" which does not exist' in result.stdout


def test_every_action_is_pinned_to_a_commit_digest() -> None:
    files = [*WORKFLOWS, *GITHUB.glob("actions/*/action.yml")]
    uses = [
        line.split("uses:", 1)[1].strip()
        for path in files
        for line in path.read_text().splitlines()
        if re.match(r"^\s*(- )?uses:", line)
    ]
    remote = [u for u in uses if not u.startswith("./")]
    assert len(remote) >= 6
    assert [u for u in remote if not PINNED.match(u)] == [], "owner/repo@<40 hex> # vX.Y.Z"


def test_deploy_follows_the_chain_one_stage_after_the_other() -> None:
    """One job per row of .github/promotion-chain, each needing the row below it."""
    jobs = load("deploy.yml")["jobs"]
    rows = chain_rows()
    assert [s for s, _ in rows] == ["dev", "staging", "prod"]
    assert len(jobs) == len(rows)
    below = None
    for (stack, environment), (name, job) in zip(rows, jobs.items(), strict=True):
        assert name == stack
        assert job["uses"] == "./.github/workflows/deploy-stage.yml"
        assert job["with"] == {"stack": stack, "environment": environment}
        assert job.get("needs") == below, f"{stack} must wait for {below}"
        below = name
    assert rows[-1] == ("prod", "production"), "production's reviewers guard prod"


def test_a_stage_is_up_then_verify_in_its_environment_from_the_runs_commit() -> None:
    stage = load("deploy-stage.yml")
    [job] = stage["jobs"].values()
    assert job["environment"] == "${{ inputs.environment }}"
    checkout = job["steps"][0]
    assert checkout["uses"].startswith("actions/checkout@")
    assert "ref" not in checkout.get("with", {}), "the run's own commit, never a newer one"
    assert job["steps"][-1]["run"] == 'scripts/pipeline deploy "$STACK"'
    assert job["env"]["STACK"] == "${{ inputs.stack }}"


def test_no_deploy_is_cancelled_or_skipped() -> None:
    deploy = load("deploy.yml")
    assert deploy["concurrency"] == {"group": "deploy-chain", "cancel-in-progress": False}
    assert triggers(deploy)["push"] == {"branches": ["main"]}, "every push, no path filter"
    assert "changed-stacks" not in (GITHUB / "workflows" / "deploy.yml").read_text()


def test_pull_requests_preview_through_the_action_outside_any_environment() -> None:
    workflow = load("pull-request.yml")
    jobs = workflow["jobs"]
    assert [n for n, j in jobs.items() if "environment" in j] == []
    preview = jobs["preview"]
    assert preview["env"]["PULUMI_CONFIG_PASSPHRASE"] == (
        "${{ secrets[format('PULUMI_CONFIG_PASSPHRASE_{0}', matrix.stack)] }}"
    )
    [action] = [s for s in preview["steps"] if s.get("uses", "").startswith("pulumi/actions@")]
    inputs = action["with"]
    assert inputs["command"] == "preview"
    assert inputs["stack-name"] == "${{ matrix.stack }}"
    assert inputs["policyPacks"] == "policies"
    assert inputs["policyPackConfigs"] == "${{ runner.temp }}/policy.json"
    assert inputs["comment-on-pr"] is True and inputs["comment-on-summary"] is True
    assert preview["permissions"]["pull-requests"] == "write"
    gate = jobs["policy-check"]
    assert gate["needs"] == ["changes", "preview"] and gate["if"] == "always()"


def test_pull_requests_and_main_run_make_check_then_make_test() -> None:
    """The project's own checks: lint, types and the fast tests first, then the whole suite,
    on every pull request and push to main, without secrets or environments."""
    workflow = load("tests.yml")
    assert set(triggers(workflow)) == {"pull_request", "push", "workflow_dispatch"}
    assert triggers(workflow)["push"] == {"branches": ["main"]}
    jobs = workflow["jobs"]
    assert [job["steps"][-1]["run"] for job in jobs.values()] == ["make check", "make test"]
    assert jobs["test"]["needs"] == "check"
    assert [n for n, j in jobs.items() if "environment" in j] == []
    assert "secrets." not in (GITHUB / "workflows" / "tests.yml").read_text()
    makefile = (REPO_ROOT / "Makefile").read_text()
    assert "$(MAKE) --no-print-directory lint" in makefile.split("\ncheck:")[1].split("\n\n")[0]
    assert "$(VENV)/bin/mypy tests bench" in makefile, "tests and bench are type-checked"


def test_drift_check_is_scheduled_and_reports() -> None:
    workflow = load("drift.yml")
    assert "schedule" in triggers(workflow)
    assert workflow["concurrency"]["cancel-in-progress"] is False
    job = workflow["jobs"]["drift"]
    assert job["environment"] == "drift", "never production's reviewers"
    assert job["permissions"]["issues"] == "write"
    runs = {s.get("name"): s for s in job["steps"]}
    check = runs["Preview with refresh expecting no changes, then verify"]
    assert 'scripts/pipeline drift "$STACK"' in check["run"]
    report = runs["Report the drift in an issue"]
    assert report["if"] == "failure() && steps.drift.outcome == 'failure'"
    assert report["run"] == 'scripts/pipeline report-drift "$STACK" "$PIPELINE_REPORT"'


def test_chain_covers_every_stack_of_the_repository() -> None:
    stacks = {p.name[len("Pulumi.") : -len(".yaml")] for p in (REPO_ROOT / "stacks").glob("*.yaml")}
    assert {s for s, _ in chain_rows()} == stacks
    out = subprocess.run(
        [str(REPO_ROOT / "scripts/pipeline"), "chain", "--json"],
        check=True,
        capture_output=True,
        text=True,
    )
    assert json.loads(out.stdout) == [s for s, _ in chain_rows()]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["prod", "dev"], "'dev' is listed out of chain order (dev staging prod)"),
        (["dev", "qa"], "stack 'qa' is not in the chain: dev staging prod"),
    ],
)
def test_deploy_refuses_stacks_out_of_chain_order(
    tmp_path: Path, args: list[str], message: str
) -> None:
    env = {**os.environ, "PIPELINE_WORK": str(tmp_path / "work")}
    result = subprocess.run(
        [str(REPO_ROOT / "scripts/pipeline"), "deploy", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert not (tmp_path / "work").exists(), "nothing started"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A small git repository shaped like this project, with one commit."""
    repo = tmp_path / "repo"
    stacks = ("stacks/Pulumi.dev.yaml", "stacks/Pulumi.prod.yaml", "stacks/Pulumi.staging.yaml")
    for path in (*stacks, "provider/x.py", "README.md"):
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text("v1\n")
    shutil.copytree(REPO_ROOT / "scripts", repo / "scripts", ignore=shutil.ignore_patterns("*.pyc"))
    (repo / ".github").mkdir()
    shutil.copy(GITHUB / "promotion-chain", repo / ".github")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "base")
    return repo


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"stacks/Pulumi.dev.yaml": "v2\n"}, ["dev"]),
        ({"README.md": "v2\n"}, []),
        ({"provider/x.py": "v2\n"}, ["dev", "staging", "prod"]),
        ({"requirements.txt": "aic-sessions==0.2\n"}, ["dev", "staging", "prod"]),
        ({"constraints.txt": "pulumi==3.300\n"}, ["dev", "staging", "prod"]),
        (
            {"stacks/Pulumi.prod.yaml": "v2\n", "stacks/Pulumi.staging.yaml": "v2\n"},
            ["staging", "prod"],
        ),
        ({"stacks/Pulumi.prod.yaml": None, "stacks/Pulumi.dev.yaml": "v2\n"}, ["dev"]),
        ({"stacks/Pulumi.qa.yaml": "v1\n", "stacks/Pulumi.prod.yaml": "v2\n"}, ["prod", "qa"]),
    ],
)
def test_changed_stacks_in_chain_order(
    repo: Path, change: dict[str, str | None], expected: list[str]
) -> None:
    base = git(repo, "rev-parse", "HEAD")
    for path, text in change.items():
        if text is None:
            (repo / path).unlink()
        else:
            (repo / path).write_text(text)
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "change")
    out = subprocess.run(
        [str(repo / "scripts" / "changed-stacks"), base],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert json.loads(out) == expected


def test_changed_stacks_without_a_base_is_every_stack(repo: Path) -> None:
    """A new branch's first push has no `before` commit (all zeros)."""
    out = subprocess.run(
        [str(repo / "scripts" / "changed-stacks"), "0" * 40],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert json.loads(out) == ["dev", "staging", "prod"]


@pytest.mark.slow  # a real process per call (seconds each)
def test_report_drift_opens_an_issue_then_comments_on_it(tmp_path: Path) -> None:
    """Against a recording `gh` on PATH (the GitHub API is not reachable from tests)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "calls"
    existing = tmp_path / "existing"
    (bin_dir / "gh").write_text(
        "#!/usr/bin/env bash\n"
        "python3 -c 'import json, sys; print(json.dumps(sys.argv[1:]))' \"$@\""
        f" >> {calls}\n"
        f'if [[ "$2" == list && -f {existing} ]]; then cat {existing}; fi\n'
    )
    (bin_dir / "gh").chmod(0o755)
    report = tmp_path / "drift.md"
    report.write_text("### Drift in stack `prod` (preview)\n")
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    command = [str(REPO_ROOT / "scripts/pipeline"), "report-drift", "prod", str(report)]

    first = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    existing.write_text("42\n")
    second = subprocess.run(command, env=env, check=True, capture_output=True, text=True)

    first_list, create, second_list, comment = [
        json.loads(x) for x in calls.read_text().splitlines()
    ]
    assert first_list[:4] == ["issue", "list", "--state", "open"]
    assert '"Drift in stack prod" in:title' in first_list
    assert create == [
        "issue",
        "create",
        "--title",
        "Drift in stack prod",
        "--body-file",
        str(report),
    ]
    assert second_list == first_list
    assert comment == ["issue", "comment", "42", "--body-file", str(report)]
    assert "opened an issue: Drift in stack prod" in first.stderr
    assert "commented on issue #42 (Drift in stack prod)" in second.stderr
