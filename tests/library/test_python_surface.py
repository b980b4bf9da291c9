"""The Python surface: top-level exports, snake_case attributes over camelCase wire names, typed
and documented constructors, and the `RealmSessionSettings` component.

The wire side is observed through Pulumi's mocks (what the SDK sends to the engine and how it
maps what comes back); the real engine runs the same classes in tests/engine and tests/library.
"""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from collections.abc import Callable
from typing import Any, cast, get_args

import aic_sessions
import pulumi
import pytest
from aic_sessions import (
    AuthenticatedSessionSettings,
    EsvOptions,
    EsvSecret,
    JourneySessionSettings,
    OnDelete,
    RealmSessionSettings,
    SigningSecret,
    SigningSecretOptions,
    StateManagementName,
    TenantRestart,
)
from aic_sessions.domain.attributes import AUTHENTICATED, JOURNEY

from tests.library.signatures import keywords, output_annotations
from tests.values import present


def engine_mocked(test: Callable[..., Any]) -> Callable[..., Any]:
    """`pulumi.runtime.test` (unannotated in the SDK): the test runs its outputs to the end."""
    decorate = cast(Callable[[Callable[..., Any]], Callable[..., Any]], pulumi.runtime.test)
    return decorate(test)


RESOURCES = [
    JourneySessionSettings,
    AuthenticatedSessionSettings,
    SigningSecret,
    RealmSessionSettings,
    EsvSecret,
    TenantRestart,
]


class Recorder(pulumi.runtime.Mocks):
    """Answers every registration with its inputs plus `priorSettings`; keeps what was sent."""

    def __init__(self) -> None:
        self.sent: dict[str, tuple[str, dict[str, Any]]] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        inputs = {k: v for k, v in args.inputs.items() if not k.startswith("__")}
        self.sent[args.name] = (args.typ, inputs)
        outputs = {**args.inputs, "priorSettings": {"maxDurationMinutes": 3}}
        return f"{args.name}-id", outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[Any]]:
        return {}, []


@pytest.fixture
def recorder() -> Recorder:
    mocks = Recorder()
    pulumi.runtime.set_mocks(mocks, preview=False)
    return mocks


def test_top_level_exports_and_one_version() -> None:
    for name in aic_sessions.__all__:
        assert getattr(aic_sessions, name) is not None
    assert set(get_args(StateManagementName)) == {"CTS", "JWT", "IN_MEMORY"}
    assert set(get_args(OnDelete)) == {"restore", "retain"}
    from importlib.metadata import version

    assert version("aic-sessions") == aic_sessions.__version__


def test_the_client_does_not_import_pulumi() -> None:
    code = "import sys, aic_sessions, aic_sessions.client; print('pulumi' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("cls", RESOURCES, ids=lambda c: c.__name__)
def test_every_parameter_is_typed_and_documented(cls: type) -> None:
    init = cls.__dict__["__init__"]  # the class's own constructor
    documented = set(re.findall(r":param (\w+):", init.__doc__ or ""))
    accepted = keywords(cls)
    assert set(accepted) == documented
    assert all(annotation is not inspect.Parameter.empty for annotation in accepted.values())
    assert cls.__doc__


@engine_mocked
def test_snake_case_attributes_over_camel_case_wire_names(recorder: Recorder) -> Any:
    journey = JourneySessionSettings(
        "j", base_url="https://t/am", realm="alpha", max_duration_minutes=7
    )
    secret = SigningSecret("s", base_url="https://t/am", realm="alpha", esv_reference="esv-x")

    def check(values: list[Any]) -> None:
        state, duration, prior, esv = values
        assert (state, duration, esv) == ("CTS", 7, "esv-x")
        assert prior == {"maxDurationMinutes": 3}, "keys inside dict outputs stay as on the wire"
        _typ, sent = recorder.sent["j"]
        assert {"baseUrl", "stateManagement", "maxDurationMinutes", "onDelete"} <= sent.keys()
        assert not any("_" in key for key in sent), f"wire names stay camelCase: {sorted(sent)}"
        assert "esvReference" in recorder.sent["s"][1]
        assert not hasattr(journey, "stateManagement")

    return pulumi.Output.all(
        journey.state_management,
        journey.max_duration_minutes,
        journey.prior_settings,
        secret.esv_reference,
    ).apply(check)


@engine_mocked
def test_settings_resources_register_only_their_table_and_fixed_properties(
    recorder: Recorder,
) -> Any:
    fixed = {"baseUrl", "realm", "onDelete", "assertOnly", "promotesFrom", "priorSettings"}
    journey = JourneySessionSettings(
        "j", base_url="https://t/am", realm="alpha", max_duration_minutes=7
    )
    authenticated = AuthenticatedSessionSettings(
        "a", base_url="https://t/am", realm="alpha", quota_limit=5
    )

    def check(_: object) -> None:
        for name, table in (("j", JOURNEY), ("a", AUTHENTICATED)):
            extra = recorder.sent[name][1].keys() - fixed - {a.name for a in table}
            assert not extra, f"{name}: properties outside the table: {sorted(extra)}"

    return pulumi.Output.all(journey.urn, authenticated.urn).apply(check)


@engine_mocked
def test_a_left_out_attribute_takes_the_tables_default(recorder: Recorder) -> Any:
    journey = JourneySessionSettings("j", base_url="https://t/am", realm="alpha")
    unknown = "unknown keyword argument 'max_duration' (did you mean max_duration_minutes?)"
    with pytest.raises(TypeError, match=re.escape(f"JourneySessionSettings('k') got an {unknown}")):
        wrong: dict[str, Any] = {"max_duration": 5}
        JourneySessionSettings("k", base_url="https://t/am", realm="alpha", **wrong)
    options = "RealmSessionSettings('r'): AuthenticatedOptions got an unknown keyword argument"
    with pytest.raises(pulumi.RunError, match=re.escape(f"{options} 'max_sesion_time_minutes'")):
        typo: Any = {"max_sesion_time_minutes": 5}  # a TypedDict takes any key at run time
        RealmSessionSettings("r", base_url="https://t/am", realm="bravo", authenticated=typo)

    def check(values: list[Any]) -> None:
        assert values == ["CTS", 5, None]
        sent = recorder.sent["j"][1]
        assert (sent["stateManagement"], sent["maxDurationMinutes"]) == ("CTS", 5)

    return pulumi.Output.all(
        journey.state_management, journey.max_duration_minutes, journey.allowlisting
    ).apply(check)


@engine_mocked
def test_an_unset_input_is_not_registered_and_reads_as_none(recorder: Recorder) -> Any:
    """Each registered property is an output the SDK waits for until the engine answers: an
    input left unset is not one, yet reads as an output of None that depends on the resource."""
    secret = SigningSecret("s", base_url="https://t/am", realm="alpha")
    registered = set(vars(secret))
    assert {"fingerprint", "value_source", "prior_form", "value"} <= registered, "outputs"
    assert {"esv_reference", "rotation_trigger", "assert_only"}.isdisjoint(registered)
    rotation_trigger = secret.rotation_trigger
    assert vars(secret)["rotation_trigger"] is rotation_trigger, "made once, on first read"
    with pytest.raises(AttributeError, match="has no attribute 'rotationTrigger'"):
        _ = secret.rotationTrigger  # type: ignore[attr-defined]

    def check(values: list[Any]) -> None:
        trigger, esv_reference, on_delete, dependencies = values
        assert (trigger, esv_reference, on_delete) == (None, None, "retain")
        assert secret in dependencies

    return pulumi.Output.all(
        rotation_trigger,
        secret.esv_reference,
        secret.on_delete,
        rotation_trigger._resources,  # the SDK's record of what it depends on
    ).apply(check)


@engine_mocked
def test_a_realm_declared_twice_fails_at_the_second_declaration(recorder: Recorder) -> Any:
    """Plain strings are claimed as the realm is declared; an output once it is known."""
    RealmSessionSettings("dev-alpha", base_url="https://t/am", realm="alpha")
    with pytest.raises(pulumi.RunError, match=r"realm alpha of https://t/am is managed twice"):
        RealmSessionSettings("again", base_url="https://t/am/", realm="/alpha")
    # The engine shows a RunError's message alone, without the program's traceback.
    loopback = "http://127.0.0.1:8080/am"
    RealmSessionSettings("local", base_url=loopback, realm="alpha")
    with pytest.raises(pulumi.RunError, match=r"realm alpha of http://localhost:8080/am is"):
        RealmSessionSettings("again-local", base_url="http://localhost:8080/am", realm="alpha")
    later = RealmSessionSettings(
        "later", base_url="https://t/am", realm=pulumi.Output.from_input("bravo")
    )
    return later.baseline.urn


@engine_mocked
def _bravo_twice_as_outputs() -> Any:
    for name in ("first", "second"):
        bravo = pulumi.Output.from_input("bravo")
        realm = RealmSessionSettings(name, base_url="https://t/am", realm=bravo)
    return realm.baseline.urn


def test_a_realm_known_later_is_claimed_once_known(recorder: Recorder) -> None:
    with pytest.raises(ValueError, match=r"realm bravo of .* is managed twice .*'second-baseline'"):
        _bravo_twice_as_outputs()


@engine_mocked
def test_realm_component_declares_its_baseline_and_three_children(recorder: Recorder) -> Any:
    realm = RealmSessionSettings(
        "dev-alpha",
        base_url="https://t/am",
        realm="alpha",
        signing_secret=SigningSecretOptions(rotation_trigger="2026-11"),
    )

    def check(urns: list[str]) -> None:
        children = {name: sent for name, sent in recorder.sent.items() if name != "dev-alpha"}
        assert sorted(children) == [
            "dev-alpha-authenticated",
            "dev-alpha-baseline",
            "dev-alpha-journey",
            "dev-alpha-signing-secret",
        ]
        assert recorder.sent["dev-alpha"][0] == "aic-sessions:index:RealmSessionSettings"
        for typ, _inputs in children.values():
            assert typ.startswith("pulumi-python:dynamic/aic:")
        for urn in urns[1:]:  # a child's URN names its parent's type
            assert "aic-sessions:index:RealmSessionSettings$pulumi-python:dynamic/aic:" in urn
        assert children["dev-alpha-signing-secret"][1]["rotationTrigger"] == "2026-11"

    return pulumi.Output.all(
        present(realm).urn,
        present(realm.journey).urn,
        realm.authenticated.urn,
        realm.signing_secret.urn,
    ).apply(check)


@engine_mocked
def test_esv_resources_have_snake_case_attributes_over_camel_case_wire_names(
    recorder: Recorder,
) -> Any:
    esv = EsvSecret("e", base_url="https://t/am", realm="alpha", name="esv-alpha-sig")
    restart = TenantRestart("r", base_url="https://t/am", secrets=[esv], mode="pending")

    def check(values: list[Any]) -> None:
        name, on_delete, mode = values
        assert (name, on_delete, mode) == ("esv-alpha-sig", "retain", "pending")
        for resource in ("e", "r"):
            sent = recorder.sent[resource][1]
            assert not any("_" in key for key in sent), f"wire names stay camelCase: {sorted(sent)}"
        assert {"baseUrl", "name", "onDelete"} <= recorder.sent["e"][1].keys()
        assert {"esvs", "timeoutSeconds", "pollSeconds"} <= recorder.sent["r"][1].keys()
        assert not hasattr(esv, "activeVersion") and not hasattr(restart, "pendingRestart")
        assert isinstance(esv.active_version, pulumi.Output)
        assert isinstance(restart.loaded_versions, pulumi.Output)

    return pulumi.Output.all(esv.name, esv.on_delete, restart.mode).apply(check)


@engine_mocked
def test_realm_component_declares_its_esv_and_the_restart_derives_its_map(
    recorder: Recorder,
) -> Any:
    """No plumbing: the component declares the `EsvSecret`; the restart lists the component,
    depends on its ESV and builds its `esvs` input; the component's outputs say `esv-stored`."""
    realm = RealmSessionSettings(
        "dev-alpha",
        base_url="https://t/am",
        realm="alpha",
        signing_secret=SigningSecretOptions(
            esv=EsvOptions(name="esv-alpha-sig", rotation_trigger="2026-11")
        ),
    )
    TenantRestart("dev-tenant-restart", base_url="https://t/am", secrets=[realm])
    assert realm.esv is not None

    def check(values: list[Any]) -> None:
        urn, source, _ = values
        assert "RealmSessionSettings$pulumi-python:dynamic/aic:EsvSecret::dev-alpha-esv" in urn
        assert source == "esv-stored"
        typ, esv_inputs = recorder.sent["dev-alpha-esv"]
        assert typ == "pulumi-python:dynamic/aic:EsvSecret"
        assert (esv_inputs["name"], esv_inputs["rotationTrigger"]) == ("esv-alpha-sig", "2026-11")
        secret_inputs = recorder.sent["dev-alpha-signing-secret"][1]
        assert secret_inputs["esvReference"] == "esv-alpha-sig"
        assert secret_inputs.get("rotationTrigger") is None  # the ESV rotates, not the pointer
        # The mocks answer with the inputs, so the wanted version is the (unset) input.
        assert set(recorder.sent["dev-tenant-restart"][1]["esvs"]) == {"esv-alpha-sig"}

    return pulumi.Output.all(
        realm.esv.urn, realm.signing_secret_source, realm.signing_secret.urn
    ).apply(check)


def test_signing_secret_options_refuse_a_value_beside_the_esv() -> None:
    with pytest.raises(ValueError, match="give value and rotation_trigger in EsvOptions"):
        SigningSecretOptions(value="x", esv=EsvOptions(name="esv-alpha-sig"))
    with pytest.raises(ValueError, match="leave esv_reference unset"):
        SigningSecretOptions(esv_reference="esv-b", esv=EsvOptions(name="esv-alpha-sig"))


def test_a_restart_refuses_a_realm_without_an_esv() -> None:
    pulumi.runtime.set_mocks(Recorder(), preview=False)
    realm = RealmSessionSettings("dev-bravo", base_url="https://t/am", realm="bravo")
    with pytest.raises(ValueError, match="dev-bravo keeps no signing secret in an ESV"):
        TenantRestart("r", base_url="https://t/am", secrets=[realm])


def test_an_esv_realm_that_no_restart_lists_fails_with_the_fix_instead_of_waiting() -> None:
    pulumi.runtime.set_mocks(Recorder(), preview=False)

    @engine_mocked
    def program() -> Any:
        realm = RealmSessionSettings(
            "dev-alpha",
            base_url="https://t/am",
            realm="alpha",
            signing_secret=SigningSecretOptions(esv=EsvOptions(name="esv-alpha-sig")),
        )
        return realm.signing_secret.urn

    with pytest.raises(pulumi.RunError, match=r"no TenantRestart lists it.*secrets=\["):
        program()


def test_one_export_list_gives_the_exports_and_the_policies_type_tokens() -> None:
    """A resource is its module plus one line in `resources/__init__.py`: the package's exports
    and every type token the policies and the verifier use come from that list."""
    from aic_sessions import resources
    from aic_sessions.policy_pack import chain_policies, config, esv_policies, session_policies
    from aic_sessions.resources.exports import EXPORTS, type_token

    assert aic_sessions.__all__ == ["__version__", *EXPORTS]
    tokens = {}
    for name in EXPORTS:
        value = getattr(resources, name)
        assert getattr(aic_sessions, name) is value
        if isinstance(value, type) and issubclass(value, pulumi.dynamic.Resource):
            tokens[name] = "pulumi-python:" + value._resource_type_name
            assert type_token(name) == tokens[name]
    used = {
        session_policies.JOURNEY,
        session_policies.AUTHENTICATED,
        session_policies.SIGNING_SECRET,
        *session_policies.OWNED_TYPES,
        *session_policies.FINGERPRINTED,
        chain_policies.ENVIRONMENT,
        chain_policies.PROMOTION,
        chain_policies.BASELINE,
        esv_policies.ESV_SECRET,
        config.SIGNING_SECRET,
    }
    assert used <= set(tokens.values())
    with pytest.raises(KeyError, match="not exported"):
        type_token("SigningSecrets")


def test_importing_the_package_imports_neither_pulumi_nor_pydantic() -> None:
    code = "import sys, aic_sessions; print('pulumi' in sys.modules, 'pydantic' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_resource_classes_keep_their_output_annotations_for_type_checkers_only() -> None:
    """The SDK resolves a resource class's `__annotations__` at every registration (a
    `get_type_hints` per resource) to cast outputs; the per-realm resources need no cast, so
    theirs sit under `if TYPE_CHECKING:`. `Promotion` (one per stack) keeps them at run time:
    the SDK casts its `summary` counts to int from them."""
    from aic_sessions import resources
    from aic_sessions.resources.exports import EXPORTS

    for name in EXPORTS:
        cls = getattr(resources, name)
        if isinstance(cls, type) and issubclass(cls, pulumi.Resource):
            assert output_annotations(cls), f"{name}: no annotations for type checkers"
            at_run_time = set(inspect.get_annotations(cls))
            expected = output_annotations(cls) if name == "Promotion" else set()
            assert at_run_time == expected, f"{name}: annotations at run time"
