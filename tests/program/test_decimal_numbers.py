"""Whole numbers written as decimals in a stack file: the engine's YAML reads `5.0`, `30.` and
`5e0` alike as the number 5 and hands it on; only the file shows what was written, so the check
reads the file (PyYAML reads the exponent forms without a point as text)."""

from __future__ import annotations

from aic_sessions.program.stack_files import decimal_whole_numbers, safe_load

STACK_FILE = """\
config:
  aic-sessions:realms:
    - name: alpha
      journey: {maxDurationMinutes: %s}
"""


def flagged(written: str) -> bool:
    config = safe_load(STACK_FILE % written)["config"]
    return decimal_whole_numbers(config) == ["aic-sessions:realms[0].journey.maxDurationMinutes"]


def test_a_point_or_an_exponent_is_flagged() -> None:
    for written in ("5.0", "30.", ".5", "5e0", "12E+1", "50e-1", "-1.5"):
        assert flagged(written), written


def test_a_whole_number_and_other_text_are_not() -> None:
    for written in ("5", "-3", "'5'", "five", "e5", "5e", "0x5"):
        assert not flagged(written), written
