"""The order the suite hands its tests out in (`tests/conftest.py`)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from tests.conftest import hand_out_later


@dataclass
class Item:
    """What `hand_out_later` reads of a pytest item: its name and its markers."""

    name: str
    markers: set[str] = field(default_factory=set)

    def get_closest_marker(self, name: str) -> str | None:
        return name if name in self.markers else None


def order(items: list[Item], after: int) -> list[str]:
    hand_out_later(items, "realserver", after)  # type: ignore[arg-type]
    return [i.name for i in items]


def test_marked_items_move_behind_the_first_others_in_their_order() -> None:
    items = [Item("a", {"realserver"}), Item("x"), Item("b", {"realserver"}), Item("y")]
    assert order(items, 1) == ["x", "a", "b", "y"]


@pytest.mark.parametrize("after", [0, 2, 5])
def test_nothing_is_lost_whatever_the_share(after: int) -> None:
    items = [Item("a", {"realserver"}), Item("x"), Item("y")]
    moved = order(items, after)
    assert sorted(moved) == ["a", "x", "y"]
    assert moved.index("a") == min(after, 2)


def test_without_marked_items_the_order_stays() -> None:
    assert order([Item("x"), Item("y")], 1) == ["x", "y"]
