"""Every provider pickles as a reference to its class with no instance data (the pickled
provider, `__provider`, is stored in plain text in state: `SessionProvider`), and every resource
registers its properties with no constructor of ours between its own and the SDK's."""

from __future__ import annotations

import base64
import importlib
import inspect
from collections.abc import Iterator
from typing import Any

import dill  # type: ignore[import-untyped]
import pytest
from aic_sessions.resources.base import SessionProvider
from aic_sessions.resources.exports import EXPORTS
from aic_sessions.resources.naming import SnakeCaseProperties
from pulumi.dynamic.dynamic import serialize_provider

for _module in set(EXPORTS.values()):
    importlib.import_module(f"aic_sessions.resources.{_module}")


def subclasses(cls: type) -> Iterator[type]:
    sub: type
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)


PROVIDERS = sorted(set(subclasses(SessionProvider)), key=lambda c: c.__name__)
RESOURCES = sorted(set(subclasses(SnakeCaseProperties)), key=lambda c: c.__name__)


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda c: c.__name__)
def test_each_resource_moves_its_outputs_to_python_names(resource: type) -> None:
    """`SnakeCaseProperties` has no constructor of its own (see its docstring): each resource
    registers its wire names and then moves the outputs, in its own `__init__`."""
    source = inspect.getsource(vars(resource)["__init__"])
    assert "= registration(" in source and "self.after_registering(registered)" in source


@pytest.mark.parametrize("provider", PROVIDERS, ids=lambda c: c.__name__)
def test_pickled_as_a_plain_reference_with_no_instance_data(
    provider: type[SessionProvider[Any]],
) -> None:
    assert provider.serialize_as_secret_always is False
    pickled = base64.b64decode(serialize_provider(provider()))
    assert provider.__name__.encode() in pickled and provider.__module__.encode() in pickled
    assert vars(dill.loads(pickled)) == {}, "instance data would be stored in plain text"
