"""The stack program sets the collector for many resources first (`aic_sessions.collector`)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from aic_sessions.collector import PROGRAM_THRESHOLDS, tune_collector
from aic_sessions.program import main


@pytest.fixture(autouse=True)
def collector_restored() -> Iterator[None]:
    thresholds, enabled = gc.get_threshold(), gc.isenabled()
    gc.set_threshold(700, 10, 10)  # Python's defaults, whatever ran before
    yield
    gc.set_threshold(*thresholds)
    (gc.enable if enabled else gc.disable)()


def test_defaults_are_raised_to_the_program_thresholds() -> None:
    tune_collector()
    assert gc.get_threshold() == PROGRAM_THRESHOLDS


def test_a_higher_threshold_set_by_the_user_stays() -> None:
    gc.set_threshold(200_000, 5, 50)
    tune_collector()
    assert gc.get_threshold() == (200_000, PROGRAM_THRESHOLDS[1], 50)


def test_a_disabled_collector_stays_disabled() -> None:
    gc.disable()
    tune_collector()
    assert not gc.isenabled()


class Stopped(Exception):
    """Raised by the program's first step, to see what ran before it."""


def test_the_stack_program_tunes_before_anything_else(monkeypatch: pytest.MonkeyPatch) -> None:
    def first_step() -> None:
        assert gc.get_threshold() == PROGRAM_THRESHOLDS
        raise Stopped

    monkeypatch.setattr(main, "require_known_keys", first_step)
    with pytest.raises(Stopped):
        main.run()
