"""Drift is shown in dedicated outputs or as observed values, never as made-up strings inside
real outputs (regression: SigningSecret's `esvReference` read "(tenant-generated)")."""

from __future__ import annotations

from aic_emulator.testing import EmulatorServer
from aic_sessions.client import AuthenticationSettingsPatch
from aic_sessions.client.models import AIC_SECRET_PLACEHOLDER
from aic_sessions.resources import connection
from aic_sessions.resources.signing_secret import SigningSecretProvider

from tests.client.conftest import sa_client
from tests.values import present


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
