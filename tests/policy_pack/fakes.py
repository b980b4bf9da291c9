"""Minimal stand-ins for pulumi_policy's argument objects, and a collecting report callback."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from pulumi_policy import ResourceValidationArgs, StackValidationArgs

PREFIX = "pulumi-python:dynamic/aic:"


@dataclass
class Resource:
    resource_type: str
    props: dict[str, Any]
    name: str = "res"
    config: dict[str, Any] = field(default_factory=dict)

    @property
    def urn(self) -> str:
        return f"urn:pulumi:test::aic-sessions::{self.resource_type}::{self.name}"

    def get_config(self) -> dict[str, Any]:
        return self.config


@dataclass
class Stack:
    resources: list[Resource]
    config: dict[str, Any] = field(default_factory=dict)

    def get_config(self) -> dict[str, Any]:
        return self.config


def stack_args(stack: Stack) -> StackValidationArgs:
    """The fake as a stack rule's argument (it has every attribute the rules read)."""
    return cast(StackValidationArgs, stack)


def resource_args(resource: Resource) -> ResourceValidationArgs:
    """The fake as a resource rule's argument."""
    return cast(ResourceValidationArgs, resource)


class Report:
    """Collects (message, urn) pairs."""

    def __init__(self) -> None:
        self.violations: list[tuple[str, str | None]] = []

    def __call__(self, message: str, urn: str | None = None) -> None:
        self.violations.append((message, urn))

    @property
    def messages(self) -> list[str]:
        return [m for m, _ in self.violations]


def journey(realm: str = "alpha", **props: Any) -> Resource:
    base = {
        "baseUrl": "https://t/am",
        "realm": realm,
        "stateManagement": "CTS",
        "maxDurationMinutes": 5,
    }
    return Resource(PREFIX + "JourneySessionSettings", {**base, **props}, f"{realm}-journey")


def authenticated(realm: str = "alpha", **props: Any) -> Resource:
    base = {"baseUrl": "https://t/am", "realm": realm, "clientSideSessions": False}
    return Resource(
        PREFIX + "AuthenticatedSessionSettings", {**base, **props}, f"{realm}-authenticated"
    )


def secret(realm: str = "alpha", **props: Any) -> Resource:
    base = {"baseUrl": "https://t/am", "realm": realm, "valueSource": "given"}
    return Resource(PREFIX + "SigningSecret", {**base, **props}, f"{realm}-signing-secret")
