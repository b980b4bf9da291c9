"""The key of a realm baseline's `observed` output that the policy pack reads as well as the
provider (so: no Pulumi, no pydantic here). The attributes' keys and the secret's form are the
provider's alone (`domain/attributes.py`, `resources/baseline.py`)."""

from __future__ import annotations

# Whether the server has journey-session settings at all (its authentication document has a
# `trees` section): AIC and AM 6.5+ do, OpenAM and older AM do not. Absent in a baseline
# created before it was recorded: unknown.
JOURNEY_SETTINGS = "journeySettings"
