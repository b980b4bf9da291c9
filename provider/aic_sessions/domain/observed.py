"""Keys of a realm baseline's `observed` output that name no attribute, read by the provider
and by the policy pack (so: no Pulumi, no pydantic here)."""

from __future__ import annotations

# Whether the server has journey-session settings at all (its authentication document has a
# `trees` section): AIC and AM 6.5+ do, OpenAM and older AM do not. Absent in a baseline
# created before it was recorded: unknown.
JOURNEY_SETTINGS = "journeySettings"
