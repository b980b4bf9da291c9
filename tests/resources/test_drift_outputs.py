"""Drift is shown in dedicated outputs or as observed values, never as made-up strings inside
real outputs (regression: SigningSecret's `esvReference` read "(tenant-generated)")."""

from __future__ import annotations

import base64
import os

import pytest
from aic_emulator.testing import EmulatorServer
from aic_sessions.client import AuthenticationSettingsPatch
from aic_sessions.client.client import AdminClient
from aic_sessions.client.models import AIC_SECRET_PLACEHOLDER
from aic_sessions.resources import connection
from aic_sessions.resources.signing_secret import SigningSecretProvider

from tests.client.conftest import sa_client
from tests.values import present


def new_value() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def test_an_esv_reference_replaced_out_of_band_reads_as_observed(
    emulator: EmulatorServer,
) -> None:
    provider = SigningSecretProvider()
    inputs = {"baseUrl": emulator.base_url, "realm": "alpha", "esvReference": "esv-alpha-sig"}
    checked = provider.check({}, inputs).inputs
    outs = {**checked, **present(provider.create(checked).outs)}
    assert present(provider.read("id", outs).outs)["secretForm"] == "esv-reference"

    with sa_client(emulator) as client:  # back to the tenant's own secret, out of band
        client.update_authentication_settings(
            "alpha", AuthenticationSettingsPatch(shared_secret_reference=AIC_SECRET_PLACEHOLDER)
        )
    with connection.deployment():  # refresh is another engine operation: a new deployment
        seen = present(provider.read("id", outs).outs)
    assert seen["esvReference"] is None, "the realm shows no ESV reference: None, not a label"
    assert seen["secretForm"] == "tenant-generated"
    assert provider.diff("id", seen, checked).changes
    provider.update("id", seen, checked)
    with sa_client(emulator) as client:
        security = client.read_authentication_settings("alpha").security
    assert present(security).shared_secret == {"$string": "&{esv.alpha.sig}"}


def test_secret_in_effect_is_never_deduced_from_the_form(
    emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A value the stack wrote, a realm now showing an ESV reference and a journey
    without an authId must not read `secretInEffect: False` (deduced from the form): it is unknown,
    and the observed form alone makes the next up write the value again."""
    provider = SigningSecretProvider()
    inputs = {"baseUrl": emulator.base_url, "realm": "alpha", "value": new_value()}
    checked = provider.check({}, inputs).inputs
    outs = {**checked, **present(provider.create(checked).outs)}
    with sa_client(emulator) as client:
        client.update_authentication_settings(
            "alpha", AuthenticationSettingsPatch(shared_secret_reference="&{esv.someone.else}")
        )
    monkeypatch.setattr(AdminClient, "start_journey", lambda self, realm: None)
    with connection.deployment():  # a new run: nothing cached from the write above
        seen = present(provider.read("id", outs).outs)
    assert (seen["secretForm"], seen["secretInEffect"]) == ("esv-reference", None)
    assert provider.diff("id", seen, checked).changes


def test_a_deleted_realm_drops_the_signing_secret_whatever_its_journey_answers(
    emulator: EmulatorServer,
) -> None:
    """Refresh of a realm deleted out of band: its configuration answers 404, so the resource is
    gone from state, even though the journey sent beside that read failed too (the read's error
    decides, not the journey's)."""
    provider = SigningSecretProvider()
    inputs = {"baseUrl": emulator.base_url, "realm": "alpha", "value": new_value()}
    checked = provider.check({}, inputs).inputs
    outs = {**checked, **present(provider.create(checked).outs)}
    gone = provider.read("id", {**outs, "realm": "no-such-realm"})
    assert gone.id == "" and not gone.outs
