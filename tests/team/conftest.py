"""Fixtures of the team tests: a real PostgreSQL server (scripts/postgres) as Pulumi's backend.

One throwaway cluster per test session, on a loopback port, stopped and deleted at the end;
each test gets its own state table (`?table=...`), so tests never see each other's stacks.
"""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.engine_cli import REPO_ROOT

POSTGRES = str(REPO_ROOT / "scripts" / "postgres")


@dataclass(frozen=True)
class Postgres:
    """The running cluster: its folder and the backend URL of its state database."""

    directory: str
    url: str

    def backend_url(self, table: str) -> str:
        return f"{self.url}&table={table}"

    def sql(self, query: str) -> list[str]:
        out = subprocess.run(
            [POSTGRES, "sql", self.directory, query],
            check=True,
            capture_output=True,
            text=True,
            timeout=30,
        ).stdout
        return [line for line in out.splitlines() if line]

    @property
    def password(self) -> str:
        return (Path(self.directory) / "password").read_text().strip()


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    """PostgreSQL for the session (installed with apt-get by scripts/postgres when missing)."""
    started = subprocess.run(
        [POSTGRES, "start"], check=True, capture_output=True, text=True, timeout=300
    )
    directory, url = started.stdout.split()[:2]
    try:
        yield Postgres(directory, url)
    finally:
        subprocess.run([POSTGRES, "stop", directory], check=True, timeout=120)


@dataclass(frozen=True)
class Backend:
    """One test's table in the shared database, and the engine environment that uses it."""

    postgres: Postgres
    table: str
    env: dict[str, str]

    def locks(self) -> list[str]:
        return self.postgres.sql(f"SELECT key FROM {self.table} WHERE key LIKE '%/.pulumi/locks/%'")


@pytest.fixture
def team_backend(postgres: Postgres, engine_env_base: dict[str, str]) -> Backend:
    """The engine environment with this test's own table as the PostgreSQL state backend."""
    table = f"state_{uuid.uuid4().hex[:12]}"
    env = {**engine_env_base, "PULUMI_BACKEND_URL": postgres.backend_url(table)}
    return Backend(postgres, table, env)
