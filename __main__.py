"""The Pulumi program: declares this stack's resources from its typed configuration."""

from __future__ import annotations

import pulumi
from aic_sessions.probe import EngineProbe

config = pulumi.Config()
environment = config.require("environment")
base_url = config.require("baseUrl")

probe = EngineProbe(f"{environment}-engine-probe", value=f"{environment}@{base_url}")

pulumi.export("environment", environment)
pulumi.export("baseUrl", base_url)
pulumi.export("probe", probe.value)
