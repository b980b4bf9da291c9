"""A one-rule policy pack used by the engine smoke test."""

from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy


def no_forbidden_value(args, report_violation):  # type: ignore[no-untyped-def]
    if args.resource_type.endswith("bench:EngineProbe") and "forbidden" in args.props.get(
        "value", ""
    ):
        report_violation(
            f"{args.name}: value {args.props['value']!r} is forbidden; choose another value."
        )


PolicyPack(
    name="smoke",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=[
        ResourceValidationPolicy(
            name="no-forbidden-value",
            description="EngineProbe values must not contain 'forbidden'.",
            validate=no_forbidden_value,
        )
    ],
)
