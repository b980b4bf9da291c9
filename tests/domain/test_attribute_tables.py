"""The attribute tables (`aic_sessions.domain.attributes`) drive the resources: inputs and bounds,
stack-config schema, constructor parameters, the tables of docs/resources.md; and `baseline`
prior values in create and update (against the emulator)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any

import pytest
from aic_emulator.defaults import ATTRIBUTE_TYPES, SESSION_ATTRIBUTE_TYPES
from aic_emulator.testing import EmulatorServer
from aic_sessions.client import AuthenticationSettingsPatch
from aic_sessions.domain.attributes import (
    AUTHENTICATED,
    JOURNEY,
    Attribute,
    Table,
    observe,
    readme_table,
)
from aic_sessions.program.stack_config import AuthenticatedConfig, JourneyConfig
from aic_sessions.resources import (
    AuthenticatedOptions,
    AuthenticatedSessionSettings,
    JourneyOptions,
    JourneySessionSettings,
)
from aic_sessions.resources.authenticated import AuthenticatedSessionSettingsProvider
from aic_sessions.resources.base import BASELINE
from aic_sessions.resources.journey import JourneySessionSettingsProvider
from pydantic import ValidationError

from tests.client.conftest import sa_client
from tests.library.signatures import keywords, output_annotations
from tests.values import present

DOC = Path(__file__).resolve().parents[2] / "docs" / "resources.md"
TABLES = {
    "JourneySessionSettings": (JOURNEY, JourneySessionSettings, JourneyConfig),
    "AuthenticatedSessionSettings": (
        AUTHENTICATED,
        AuthenticatedSessionSettings,
        AuthenticatedConfig,
    ),
}
OPTIONS = {
    "JourneySessionSettings": JourneyOptions,
    "AuthenticatedSessionSettings": AuthenticatedOptions,
}
RECORDED = DOC.parents[1] / "tests" / "fixtures" / "recorded"
EMULATED = {
    "trees": ATTRIBUTE_TYPES,
    "general": ATTRIBUTE_TYPES,
    "session": SESSION_ATTRIBUTE_TYPES,
}


def _recorded_text() -> str:
    return "\n".join(
        path.read_text(errors="replace") for path in RECORDED.rglob("*") if path.is_file()
    )


@pytest.mark.parametrize("name", TABLES)
def test_doc_table_is_the_generated_one(name: str) -> None:
    table = TABLES[name][0]
    assert readme_table(table) in DOC.read_text(), (
        f"the {name} table of docs/resources.md differs from its attribute table; replace it "
        "with the output of: python -m aic_sessions.domain.attributes"
    )


@pytest.mark.parametrize("name", TABLES)
def test_every_row_names_a_recorded_attribute_and_a_constructor_parameter(name: str) -> None:
    table, resource, _config = TABLES[name]
    init = resource.__dict__["__init__"]
    parameters = keywords(resource)
    recorded = _recorded_text()
    for a in table:
        assert a.wire in recorded, f"{a.wire}: no recorded server document has it"
        assert a.wire in EMULATED[a.section], f"{a.wire}: the emulator does not have it"
        assert a.python_name in parameters, a
        assert f":param {a.python_name}:" in (init.__doc__ or "")
        assert a.python_name in output_annotations(resource), (
            f"{name}.{a.python_name} has no Output annotation"
        )


@pytest.mark.parametrize("name", TABLES)
def test_the_typed_declarations_agree_with_the_table(name: str) -> None:
    """What Python typing needs written out names exactly the table's attributes: the options
    (the constructor's typed keywords and the component's options, one declaration) and the
    Output annotations; the defaults are the table's."""
    table, resource, _config = TABLES[name]
    names = {a.python_name for a in table}
    options = OPTIONS[name]
    assert set(options.__annotations__) == names, f"{options.__name__} differs from the table"
    accepted = keywords(resource)
    assert names <= set(accepted)
    assert {k: accepted[k] for k in names} == options.__annotations__, "one declaration"
    others = {"base_url", "realm", "on_delete", "assert_only", "prior_settings"}
    outputs = output_annotations(resource) - others
    assert outputs == names, f"{name}: Output annotations differ from the table"


def _bad(table: Table) -> list[tuple[str, Any]]:
    return [(a.name, a.maximum + 1) for a in table if a.maximum is not None]


@pytest.mark.parametrize("name", TABLES)
def test_stack_config_sections_have_the_tables_defaults_and_bounds(name: str) -> None:
    table, _resource, config = TABLES[name]
    defaults = config().model_dump()
    assert defaults == {a.name: a.default for a in table}
    for key, value in _bad(table):
        with pytest.raises(ValidationError, match=key):
            config.model_validate({key: value})
    with pytest.raises(ValidationError, match="Extra inputs"):
        config.model_validate({"maxSessionTime": 5})


@pytest.mark.parametrize(
    ("provider", "base"),
    [
        (JourneySessionSettingsProvider(), {"stateManagement": "CTS", "maxDurationMinutes": 5}),
        (AuthenticatedSessionSettingsProvider(), {"clientSideSessions": False}),
    ],
    ids=["journey", "authenticated"],
)
def test_provider_bounds_and_hints_come_from_the_table(provider: Any, base: dict[str, Any]) -> None:
    for key, value in _bad(provider.table):
        failures = provider.check(
            {}, {"baseUrl": "https://t/am", "realm": "alpha", **base, key: value}
        ).failures
        (failure,) = failures
        fix = next(a for a in provider.table if a.name == key).fix()
        assert failure.property == key and fix and fix in failure.reason


def reads(emulator: EmulatorServer, what: str) -> int:
    counts = emulator.request_counts()["counts"]
    return sum(n for key, n in counts.items() if key.startswith("GET") and key.endswith(what))


def test_create_takes_prior_values_from_the_baseline_instead_of_reading(
    emulator: EmulatorServer,
) -> None:
    provider = AuthenticatedSessionSettingsProvider()
    baseline = {
        "clientSideSessions": True,
        "maxSessionTimeMinutes": 77,
        "maxIdleTimeMinutes": None,  # the realm showed none: stays unknown
        "stateManagement": "JWT",  # another resource's attribute: not ours
    }
    inputs = {
        "baseUrl": emulator.base_url,
        "realm": "alpha",
        "clientSideSessions": False,
        "maxSessionTimeMinutes": 480,
        "maxIdleTimeMinutes": 45,
        BASELINE: baseline,
    }
    emulator.clear_requests()
    outs = present(provider.create(inputs).outs)
    assert outs["priorSettings"] == {"clientSideSessions": True, "maxSessionTimeMinutes": 77}
    assert reads(emulator, "realm-config/authentication") == 0
    provider.delete("id", {**inputs, **outs})
    with sa_client(emulator) as client:
        assert (
            present(client.read_authentication_settings("alpha").general).stateless_sessions is True
        )
        service = client.read_session_service("alpha")
    assert (present(service).max_session_time, present(service).max_idle_time) == (77, 45), (
        "restored from the baseline; the idle time had no known prior value"
    )


def test_a_baseline_without_the_session_service_removes_it_on_delete(
    emulator: EmulatorServer,
) -> None:
    with sa_client(emulator) as client:
        client.remove_session_service("alpha")
    provider = AuthenticatedSessionSettingsProvider()
    first = {"baseUrl": emulator.base_url, "realm": "alpha", "clientSideSessions": False}
    outs = present(provider.create({**first, BASELINE: {"clientSideSessions": False}}).outs)
    second = {
        **first,
        "maxIdleTimeMinutes": 20,
        BASELINE: {"clientSideSessions": False, "sessionService": "absent"},
    }
    outs = present(provider.update("id", {**first, **outs}, second).outs)
    assert outs["priorSettings"] == {"clientSideSessions": False, "sessionService": "absent"}
    with sa_client(emulator) as client:
        assert present(client.read_session_service("alpha")).max_idle_time == 20  # added
    provider.delete("id", {**second, **outs})
    with sa_client(emulator) as client:
        assert client.read_session_service("alpha") is None


def test_journey_update_takes_a_newly_managed_prior_from_the_baseline(
    emulator: EmulatorServer,
) -> None:
    provider = JourneySessionSettingsProvider()
    first = {
        "baseUrl": emulator.base_url,
        "realm": "alpha",
        "stateManagement": "CTS",
        "maxDurationMinutes": 10,
    }
    outs = present(provider.create(first).outs)
    assert outs["priorSettings"] == {"stateManagement": "JWT", "maxDurationMinutes": 5}
    with sa_client(emulator) as client:  # changed after the baseline was taken
        client.update_authentication_settings(
            "alpha", AuthenticationSettingsPatch(suspended_timeout=999)
        )
    second = {**first, "suspendedTimeoutMinutes": 60, BASELINE: {"suspendedTimeoutMinutes": 1440}}
    outs = present(provider.update("id", {**first, **outs}, second).outs)
    assert outs["priorSettings"] == {
        "stateManagement": "JWT",
        "maxDurationMinutes": 5,
        "suspendedTimeoutMinutes": 1440,
    }


def test_quota_limit_is_managed_like_any_row(emulator: EmulatorServer) -> None:
    """The Session service's quotaLimit, added as one table row: written, observed, restored."""
    assert AuthenticatedConfig.model_validate({"quotaLimit": 3}).options()["quota_limit"] == 3
    provider = AuthenticatedSessionSettingsProvider()
    inputs = {
        "baseUrl": emulator.base_url,
        "realm": "alpha",
        "clientSideSessions": False,
        "quotaLimit": 3.0,  # numbers arrive from the engine as floats
    }
    (failure,) = provider.check({}, {**inputs, "quotaLimit": 0}).failures
    assert failure.property == "quotaLimit" and "at least 1" in failure.reason
    outs = present(provider.create(inputs).outs)
    assert outs["priorSettings"] == {"clientSideSessions": False, "quotaLimit": 2}
    with sa_client(emulator) as client:
        assert present(client.read_session_service("alpha")).quota_limit == 3
    assert present(provider.read("id", {**inputs, **outs}).outs)["quotaLimit"] == 3
    provider.delete("id", {**inputs, **outs})
    with sa_client(emulator) as client:
        assert present(client.read_session_service("alpha")).quota_limit == 2


ROWS = [
    (provider, a)
    for provider in (JourneySessionSettingsProvider(), AuthenticatedSessionSettingsProvider())
    for a in provider.table
]


def _another(a: Attribute, current: Any) -> Any:
    """A valid value of `a` other than `current`."""
    if a.kind is bool:
        return not current
    if a.kind is int:
        low = a.minimum or 1
        return low + 1 if current != low + 1 else low + 2
    members: type[Enum] = a.kind
    return next(m.value for m in members if m.value not in (current, "IN_MEMORY"))


@pytest.mark.parametrize(("provider", "a"), ROWS, ids=[a.name for _, a in ROWS])
def test_every_row_is_written_observed_and_restored(
    emulator: EmulatorServer, provider: Any, a: Attribute
) -> None:
    """Any row, through its provider: create writes it, read observes it, delete puts it back."""
    required = {
        r.name: getattr(r.default, "value", r.default) for r in provider.table if not r.optional
    }
    inputs = {"baseUrl": emulator.base_url, "realm": "alpha", **required}
    with sa_client(emulator) as client:
        service = client.read_session_service("alpha")
        settings = client.read_authentication_settings("alpha")
    prior = observe([a], settings, service)[a.name]
    assert prior is not None, f"the emulator's realm shows no {a.wire}"
    wanted = _another(a, prior)
    inputs[a.name] = float(wanted) if a.kind is int else wanted  # the engine sends floats
    outs = present(provider.create(inputs).outs)
    assert outs["priorSettings"][a.name] == prior
    assert present(provider.read("id", {**inputs, **outs}).outs)[a.name] == wanted
    provider.delete("id", {**inputs, **outs})
    assert present(provider.read("id", {**inputs, **outs}).outs)[a.name] == prior
