"""The CI workflows: valid for actionlint (a real linter, pinned, installed by
scripts/ensure-actionlint), the stacks a change previews, and the pull-request comment."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.engine_cli import REPO_ROOT

WORKFLOWS = sorted((REPO_ROOT / ".github" / "workflows").glob("*.yml"))


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
    )


def test_workflows_pass_actionlint(actionlint: str) -> None:
    assert [p.name for p in WORKFLOWS] == ["deploy.yml", "pull-request.yml"]
    result = lint(actionlint, *WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(actionlint: str, tmp_path: Path) -> None:
    workflow = yaml.safe_load((REPO_ROOT / ".github/workflows/pull-request.yml").read_text())
    workflow["jobs"]["policy-check"]["needs"] = ["changes", "previews"]
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(
        yaml.safe_dump(workflow).replace("needs.preview.result", "needs.prevew.result")
    )
    result = lint(actionlint, broken)
    assert result.returncode == 1
    assert 'job "policy-check" needs job "previews" which does not exist' in result.stdout


def test_pull_request_policy_check_is_one_required_job_over_every_preview() -> None:
    workflow = yaml.safe_load((REPO_ROOT / ".github/workflows/pull-request.yml").read_text())
    jobs = workflow["jobs"]
    gate = jobs["policy-check"]
    assert gate["needs"] == ["changes", "preview"] and gate["if"] == "always()"
    preview = jobs["preview"]
    assert preview["environment"] == "${{ matrix.stack }}", "one stack's secrets per job"
    steps = {step.get("name", step.get("uses")): step for step in preview["steps"]}
    assert steps["Install the Pulumi CLI (official action)"]["uses"].startswith("pulumi/actions@")
    assert 'scripts/policy-check "$STACK"' in steps["Preview with the policy pack"]["run"]
    assert (
        "scripts/pr-comment"
        in steps["Post the preview and policy result on the pull request"]["run"]
    )


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A small git repository shaped like this project, with one commit."""
    repo = tmp_path / "repo"
    for path in ("stacks/Pulumi.dev.yaml", "stacks/Pulumi.prod.yaml", "provider/x.py", "README.md"):
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text("v1\n")
    shutil.copytree(REPO_ROOT / "scripts", repo / "scripts", ignore=shutil.ignore_patterns("*.pyc"))
    git(repo, "init", "-q", "-b", "main")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "x", "--allow-empty")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "base")
    return repo


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"stacks/Pulumi.dev.yaml": "v2\n"}, ["dev"]),
        ({"README.md": "v2\n"}, []),
        ({"provider/x.py": "v2\n"}, ["dev", "prod"]),
        ({"stacks/Pulumi.prod.yaml": None, "stacks/Pulumi.dev.yaml": "v2\n"}, ["dev"]),
    ],
)
def test_changed_stacks(repo: Path, change: dict[str, str | None], expected: list[str]) -> None:
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
    assert json.loads(out) == ["dev", "prod"]


@pytest.mark.slow  # a real process per call (seconds each)
def test_pr_comment_posts_once_then_edits_in_place(tmp_path: Path) -> None:
    """Against a recording `gh` on PATH (the GitHub API is not reachable from tests)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "calls"
    existing = tmp_path / "existing"
    (bin_dir / "gh").write_text(
        "#!/usr/bin/env bash\n"
        "python3 -c 'import json, sys; print(json.dumps(sys.argv[1:]))' \"$@\""
        f" >> {calls}\n"
        f'if [[ "$*" == *--paginate* && -f {existing} ]]; then cat {existing}; fi\n'
    )
    (bin_dir / "gh").chmod(0o755)
    summary = tmp_path / "preview.md"
    summary.write_text("### `dev`: passed\n")
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    command = [str(REPO_ROOT / "scripts/pr-comment"), "acme/s", "7", "preview-dev", str(summary)]

    subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    existing.write_text("1234\n")
    subprocess.run(command, env=env, check=True, capture_output=True, text=True)

    first_list, post, second_list, patch = [json.loads(x) for x in calls.read_text().splitlines()]
    assert first_list[:3] == ["api", "--paginate", "repos/acme/s/issues/7/comments"]
    assert "<!-- aic-sessions:preview-dev -->" in first_list[-1]
    assert post[:4] == ["api", "--method", "POST", "repos/acme/s/issues/7/comments"]
    assert post[-1] == "body=<!-- aic-sessions:preview-dev -->\n### `dev`: passed"
    assert second_list == first_list
    assert patch[:4] == ["api", "--method", "PATCH", "repos/acme/s/issues/comments/1234"]
    assert patch[-1] == post[-1]
