"""`scripts/postgres ensure`: PostgreSQL's binaries from PATH, from Debian's versioned folders, or
installed with apt-get when neither has them (a fresh CI machine)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.engine_cli import REPO_ROOT

SCRIPT = str(REPO_ROOT / "scripts" / "postgres")


def executable(path: Path, text: str = "#!/bin/sh\nexit 0\n") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)


def system_path() -> str:
    """PATH without any folder that has initdb (so only the fakes below can provide it)."""
    folders = os.environ["PATH"].split(os.pathsep)
    return os.pathsep.join(f for f in folders if not (Path(f) / "initdb").exists())


def ensure(tmp_path: Path, *, fake_bin: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PATH": f"{fake_bin}{os.pathsep}{system_path()}",
        "POSTGRES_LIB_DIR": str(tmp_path / "lib"),
    }
    return subprocess.run(
        [SCRIPT, "ensure"], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_debians_versioned_folder_is_found_newest_first(tmp_path: Path) -> None:
    for version in ("13", "16", "9"):
        executable(tmp_path / "lib" / version / "bin" / "initdb")
        executable(tmp_path / "lib" / version / "bin" / "pg_ctl")
    result = ensure(tmp_path, fake_bin=tmp_path / "empty")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(tmp_path / "lib" / "16" / "bin")


def test_missing_binaries_install_debians_package(tmp_path: Path) -> None:
    """A recording apt-get that installs, like Debian's package, into the versioned folder."""
    calls = tmp_path / "apt-calls"
    lib = tmp_path / "lib" / "17" / "bin"
    fake_bin = tmp_path / "bin"
    executable(
        fake_bin / "apt-get",
        "#!/bin/bash\n"
        f'echo "$*" >> {calls}\n'
        f"mkdir -p {lib} && printf '#!/bin/sh\\n' > {lib}/initdb && cp {lib}/initdb {lib}/pg_ctl\n"
        f"chmod +x {lib}/initdb {lib}/pg_ctl\n",
    )
    if os.getuid() != 0:
        executable(fake_bin / "sudo", '#!/bin/bash\n[ "$1" = -n ] && shift\nexec "$@"\n')
    result = ensure(tmp_path, fake_bin=fake_bin)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(lib)
    assert calls.read_text().splitlines() == ["install -y -q postgresql"]
    assert "installing Debian's postgresql package" in result.stderr
