"""The per-deployment context: what it runs beside the provider's own threads."""

from __future__ import annotations

import threading

from aic_sessions.resources import connection


def test_beside_runs_on_the_deployments_own_threads_and_ends_with_it() -> None:
    """Refresh's journeys run on threads of their own deployment, which end with it (a
    process may hold many deployments: tests do)."""
    with connection.deployment() as deployment:
        name = deployment.beside(lambda: threading.current_thread().name).result(timeout=10)
        assert name.startswith("aic-beside")
        pool = deployment._beside
        assert pool is not None
    assert deployment._beside is None
    assert pool._shutdown


def test_each_deployment_has_its_own_threads() -> None:
    with connection.deployment() as first:
        first.beside(lambda: None).result(timeout=10)
        with connection.deployment() as second:
            second.beside(lambda: None).result(timeout=10)
            assert first._beside is not second._beside
        assert connection.current() is first
