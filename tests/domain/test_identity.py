"""One spelling of a tenant URL and a realm (`aic_sessions/domain/identity.py`), for the resources'
`check`/`diff` and for the stack configuration alike."""

from __future__ import annotations

import base64
import os
from typing import Any

import pytest
from aic_sessions.domain.identity import canonical_base_url, canonical_realm, same_identity
from aic_sessions.program.stack_config import StackConfigError, load_stack_config
from aic_sessions.resources.authenticated import AuthenticatedSessionSettingsProvider
from aic_sessions.resources.esv_secret import EsvSecretProvider
from aic_sessions.resources.journey import JourneySessionSettingsProvider
from aic_sessions.resources.signing_secret import SigningSecretProvider

URL = "https://tenant.example.com/am"


@pytest.mark.parametrize(
    "spelling",
    [
        URL,
        URL + "/",
        URL + "//",
        " " + URL + " ",
        "HTTPS://Tenant.Example.COM/am",
        "https://tenant.example.com:443/am",
    ],
)
def test_spellings_of_one_url(spelling: str) -> None:
    assert canonical_base_url(spelling) == URL


def test_urls_that_differ_stay_different() -> None:
    assert canonical_base_url("http://127.0.0.1:8080/am/") == "http://127.0.0.1:8080/am"
    assert canonical_base_url("http://localhost:8080/openam") == "http://localhost:8080/openam"
    assert canonical_base_url("https://t.example.com:8443/am") == "https://t.example.com:8443/am"
    assert canonical_base_url("https://t.example.com/AM") != canonical_base_url(URL)  # paths


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("ftp://tenant/am", "http(s) URL"),
        ("tenant.example.com/am", "http(s) URL"),
        ("https://tenant.example.com", "path, e.g. /am, is missing"),
        ("https://tenant.example.com/", "path, e.g. /am, is missing"),
        ("https://tenant.example.com/am?x=1", "no query or fragment"),
        ("https://tenant.example.com/am#top", "no query or fragment"),
        ("https://user:pw@tenant.example.com/am", "must not carry credentials"),
        ("https://tenant example.com/am", "contains a space"),
        ("https://tenant.example.com:99999/am", "http(s) URL"),
    ],
)
def test_bad_urls_name_the_problem(url: str, problem: str) -> None:
    with pytest.raises(ValueError) as error:
        canonical_base_url(url)
    assert problem in str(error.value)


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [
        ("alpha", "alpha"),
        ("/alpha", "alpha"),
        ("alpha/", "alpha"),
        ("root/alpha", "alpha"),
        ("/root/alpha/", "alpha"),
        ("parent/child", "parent/child"),
        ("/parent//child", "parent/child"),
        ("root", "root"),
    ],
)
def test_spellings_of_one_realm(spelling: str, canonical: str) -> None:
    assert canonical_realm(spelling) == canonical


def test_realm_names_am_cannot_have_are_refused() -> None:
    with pytest.raises(ValueError, match="not a valid realm name"):
        canonical_realm("al pha")


STRONG = base64.b64encode(os.urandom(32)).decode()  # weak values fail check
PROVIDERS: list[tuple[Any, dict[str, Any]]] = [
    (JourneySessionSettingsProvider(), {"stateManagement": "CTS", "maxDurationMinutes": 5.0}),
    (AuthenticatedSessionSettingsProvider(), {"clientSideSessions": False}),
    (SigningSecretProvider(), {"esvReference": "esv-alpha-signing"}),
    (EsvSecretProvider(), {"name": "esv-alpha-signing", "value": STRONG}),
]


@pytest.mark.parametrize(("provider", "inputs"), PROVIDERS, ids=lambda p: type(p).__name__)
def test_check_stores_one_spelling_and_diff_sees_no_change(
    provider: Any, inputs: dict[str, Any]
) -> None:
    stored = provider.check({}, {"baseUrl": URL, "realm": "alpha", **inputs}).inputs
    news = provider.check(
        stored, {"baseUrl": "HTTPS://TENANT.example.com/am/", "realm": "/root/alpha/", **inputs}
    )
    assert not news.failures
    assert (news.inputs["baseUrl"], news.inputs["realm"]) == (URL, "alpha")
    # State written before the rule (another spelling) is not replaced either.
    legacy = {**stored, "baseUrl": URL + "/", "realm": "/alpha"}
    assert not provider.diff("id", legacy, news.inputs).changes
    moved = provider.check(stored, {"baseUrl": URL, "realm": "bravo", **inputs}).inputs
    assert provider.diff("id", stored, moved).changes
    other = provider.check(stored, {"baseUrl": URL + "2", "realm": "alpha", **inputs}).inputs
    assert provider.diff("id", stored, other).replaces == ["baseUrl"]


def test_check_failure_names_the_url_rule() -> None:
    failures = (
        JourneySessionSettingsProvider()
        .check(
            {}, {"baseUrl": "https://tenant.example.com", "realm": "alpha", "maxDurationMinutes": 5}
        )
        .failures
    )
    (failure,) = [f for f in failures if f.property == "baseUrl"]
    assert "path, e.g. /am, is missing" in failure.reason and "with its path" in failure.reason


def test_same_identity_compares_other_keys_plainly() -> None:
    assert same_identity("realm", "/alpha", "root/alpha")
    assert not same_identity("name", "/alpha", "alpha")


def stack(base_url: str, *names: str) -> dict[str, Any]:
    return {"environment": "dev", "baseUrl": base_url, "realms": [{"name": n} for n in names]}


def test_stack_config_uses_the_same_rule() -> None:
    config = load_stack_config(stack(URL + "/", "/alpha", "root/parent/child"))
    assert config.baseUrl == URL
    assert [r.name for r in config.realms] == ["alpha", "parent/child"]
    assert load_stack_config(stack("http://localhost:8080/openam", "alpha")).baseUrl.endswith(
        "/openam"
    ), "a real OpenAM lives under /openam: the old '/am$' rule refused it"
    with pytest.raises(StackConfigError, match=r"baseUrl: .*path, e.g. /am, is missing"):
        load_stack_config(stack("https://tenant.example.com", "alpha"))
    with pytest.raises(StackConfigError, match="realm\\(s\\) listed twice: alpha"):
        load_stack_config(stack(URL, "alpha", "/root/alpha"))


def test_one_tenant_identity_for_every_loopback_spelling() -> None:
    from aic_sessions.domain.identity import tenant_identity

    same = {
        tenant_identity(u)
        for u in (
            "http://localhost:8080/am",
            "http://127.0.0.1:8080/am/",
            "http://[::1]:8080/am",
            "HTTP://LOCALHOST:8080/am",
        )
    }
    assert same == {"http://loopback:8080/am"}
    assert tenant_identity("http://localhost:8081/am") != "http://loopback:8080/am"
    # Other names are compared as written: an address can be shared by many tenants.
    assert tenant_identity("https://Tenant.example.com:443/am") == "https://tenant.example.com/am"


def test_claims_are_read_from_every_resource_of_another_stack_that_writes_a_realm() -> None:
    """A baseline claims its realm, and so does a settings resource declared on its own; one
    that only asserts (an upper AIC stage) does not, nor does any other type."""
    from aic_sessions.resources.ownership import realm_claims

    url = "http://127.0.0.1:9/am"

    def resource(kind: str, realm: str, **inputs: object) -> dict[str, object]:
        return {
            "type": f"pulumi-python:dynamic/aic:{kind}",
            "inputs": {"baseUrl": url, "realm": realm, **inputs},
        }

    state = {
        "deployment": {
            "resources": [
                resource("RealmBaseline", "/alpha"),
                resource("JourneySessionSettings", "bravo"),
                resource("AuthenticatedSessionSettings", "charlie"),
                resource("SigningSecret", "delta"),
                resource("SigningSecret", "echo", assertOnly=True),
                resource("EsvSecret", "foxtrot"),
                {"type": "pulumi:pulumi:Stack", "inputs": {}},
            ]
        }
    }
    loopback = "http://loopback:9/am"
    assert realm_claims("org/p/s", state) == {
        (loopback, realm): "org/p/s" for realm in ("alpha", "bravo", "charlie", "delta")
    }
