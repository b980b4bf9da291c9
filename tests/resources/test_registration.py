"""`naming.registration`: what a resource registers, and the inputs it leaves out."""

from __future__ import annotations

from aic_sessions.resources.naming import registration


def test_given_inputs_and_every_output_are_registered_under_wire_names() -> None:
    registered = registration(
        {"base_url": "https://t/am", "value": None, "rotation_trigger": None, "on_delete": "x"},
        outputs=("value", "value_source"),
    )
    assert registered.wire == {
        "baseUrl": "https://t/am",
        "onDelete": "x",
        "value": None,
        "valueSource": None,
    }, "an output left None is still registered"
    assert registered.unset == ("rotation_trigger",)


def test_a_given_input_that_is_also_an_output_keeps_its_value() -> None:
    registered = registration({"value": "abc"}, outputs=("value",))
    assert registered.wire == {"value": "abc"} and registered.unset == ()


def test_outputs_may_be_any_iterable() -> None:
    registered = registration({"a_b": None}, outputs=iter(["a_b"]))
    assert registered.wire == {"aB": None} and registered.unset == ()
