"""`present`: a value the test expects to be there, typed without its `None`."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


def present(value: T | None) -> T:
    """`value`, failing the test when it is None (an output or section the server omitted)."""
    assert value is not None, "expected a value, got None"
    return value
