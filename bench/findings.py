"""Findings computed from the figures: each goal met or not, and the likely cause when not."""

from __future__ import annotations

from report import (
    GOAL_RATIO,
    GOAL_READS_PER_REALM,
    Results,
    import_extra_ms,
    reads_met,
    seconds,
)
from scenarios import SizeResult


def findings(results: Results) -> list[str]:
    return [
        *_reads(results),
        *_preview_and_noop(results),
        *_ratios(results),
        *_change(results),
        *_create_refresh_destroy(results),
    ]


def _reads(results: Results) -> list[str]:
    each = "; ".join(
        f"{s.realms}: create {s.ours['create'].counts.authn_reads / s.realms:g}, refresh "
        f"{s.ours['refresh'].counts.authn_reads / s.realms:g}"
        for s in results.sizes
    )
    verdict = "**met**" if reads_met(results) else "**not met**"
    journeys = "; ".join(
        f"{s.realms}: {s.ours['create'].counts.journeys / s.realms:g} / "
        f"{s.ours['refresh'].counts.journeys / s.realms:g}"
        for s in results.sizes
    )
    return [
        f"- Reads of each realm's authentication document in `create` and `refresh` (goal: "
        f"{GOAL_READS_PER_REALM} per realm at every size): {verdict}; per realm by realms {each}. "
        "The three resources of a realm share one read: the provider process keeps a "
        "per-deployment cache (`DeploymentReadCache`), filled by the first read and by the "
        "documents our own writes return.",
        "- Journeys are counted apart: `SigningSecret` starts one journey per realm (an "
        "unauthenticated end-user call) to check that the realm signs with the secret the stack "
        f"holds; per realm in create / refresh by realms {journeys}.",
    ]


def _preview_and_noop(results: Results) -> list[str]:
    preview = sum(s.ours["preview"].counts.total for s in results.sizes)
    noop = [s.ours["noop"].counts for s in results.sizes]
    lines = [
        "- `pulumi preview` sent no admin-API request at any size (goal: 0): **met**."
        if preview == 0
        else f"- **`pulumi preview` sent {preview} request(s)** over all sizes (goal: 0): not met."
    ]
    writes, total = sum(c.writes for c in noop), sum(c.total for c in noop)
    if writes == 0:
        lines.append(
            f"- A no-op `pulumi up` wrote nothing (goal: 0 writes): **met**; it sent {total} "
            "request(s) of any kind (`check` and `diff` work on the state alone)."
        )
    else:
        lines.append(f"- **A no-op `pulumi up` wrote {writes} time(s)** (goal: 0): not met.")
    return lines


def _ratios(results: Results) -> list[str]:
    lines = []
    for key, label in (("preview", "preview"), ("noop", "no-op up")):
        worst = max(s.ratio(key) for s in results.sizes)
        each = ", ".join(f"{s.realms}: {s.ratio(key):.2f}" for s in results.sizes)
        verdict = "**met**" if worst <= GOAL_RATIO else "**not met**"
        lines.append(
            f"- {label} against the EngineProbe floor (goal <= {GOAL_RATIO} at every size): "
            f"{verdict}; ratio by realms {each}."
        )
    return [*lines, *_ratio_cause(results)]


def _ratio_cause(results: Results) -> list[str]:
    extra = import_extra_ms(results) / 1000
    program, provider = results.imports
    lines = [
        '- What bounds the ratio, from the measured parts (see "What each process imports"): '
        f"our program process imports {program.ours.total - program.floor.total:.0f} ms more than "
        f"the floor's and our provider process {provider.ours.total - provider.floor.total:.0f} ms "
        f"more: {seconds(extra)} per command, of which pydantic "
        f"{program.ours.groups['pydantic'] + provider.ours.groups['pydantic']:.0f} ms and our "
        f"own modules (mostly building their pydantic models) "
        f"{program.ours.groups['aic_sessions'] + provider.ours.groups['aic_sessions']:.0f} ms. "
        "Most of it is on the critical path: the program imports before it registers anything, "
        "and the provider process imports our modules when the first `check` arrives (part of "
        "that can overlap with the program still registering, so the sum is an upper bound of "
        "what imports add to a command). The floor "
        f"itself spends {program.floor.total:.0f} ms and {provider.floor.total:.0f} ms importing "
        "pulumi (grpc, protobuf) in the same two processes. Input validation (pydantic models "
        "in the stack configuration and each resource's `check`) is what costs; the HTTP "
        "stack is imported only when a provider method calls the API.",
    ]
    for size in results.sizes:
        gap = size.ours["preview"].seconds - size.floor["preview"].seconds
        room = (GOAL_RATIO - 1) * size.floor["preview"].seconds
        lines.append(
            f"  - {size.realms} realm(s): preview is {seconds(gap)} slower than the floor "
            f"({seconds(size.floor['preview'].seconds)}); the goal leaves {seconds(room)}; the "
            f"import difference is {seconds(extra)}."
        )
    lines.append(_slope(results.sizes))
    return lines


def _slope(sizes: list[SizeResult]) -> str:
    first, last = sizes[0], sizes[-1]
    span = last.realms - first.realms
    if span <= 0:
        return "  - (one size only: no growth figure)"
    parts = []
    for key, label in (("preview", "preview"), ("noop", "no-op up")):
        ours = (last.ours[key].seconds - first.ours[key].seconds) / span * 1000
        floor = (last.floor[key].seconds - first.floor[key].seconds) / span * 1000
        component = floor / 3  # one more registration, at the floor's cost per resource
        rest = ours - floor - component
        parts.append(
            f"{label}: each further realm adds {ours:.1f} ms to ours and {floor:.1f} ms to the "
            f"floor's ({ours - floor:+.1f} ms per realm, of which about {component:.1f} ms is "
            "the engine registering a fourth resource per realm, the `RealmSessionSettings` "
            f"component, at the floor's cost per resource; the other {rest:+.1f} ms is our own "
            "`check`/`diff` and program work per realm)"
        )
    return (
        "  - Growth: "
        + "; ".join(parts)
        + ". So the gap is the import constant above plus a per-realm part, which is why the "
        "ratio does not fall with size."
    )


def _change(results: Results) -> list[str]:
    changes = [s.ours["change"].counts for s in results.sizes]
    first, frodo = changes[0], results.frodo
    constant = len(set(changes)) == 1
    one, largest = results.sizes[0].ours["change"], results.sizes[-1]
    both = frodo.export.seconds + frodo.import_.seconds
    return [
        f"- A one-field change costs {first.reads} read(s), {first.writes} write(s) and "
        f"{first.other} login request(s) per run "
        + ("at every size" if constant else "(it varies with size: see the table)")
        + " (minimum: 1 read and 1 write per changed realm). The provider trusts the state for "
        "the values it does not change (finding drift is `refresh`'s job) and sends a partial "
        f"PUT of the changed attribute only: {one.write_bytes} bytes, where `frodo authn "
        f"import` puts the whole document back ({frodo.import_.write_bytes} bytes) after "
        f"{frodo.import_.counts.other} other requests (login, server info, session, OAuth).",
        f"- Wall time of that change: `pulumi up` {seconds(one.seconds)} (1 realm) against "
        f"`frodo authn import` {seconds(frodo.import_.seconds)} "
        f"({one.seconds / frodo.import_.seconds:.2f} x) and frodo's export, edit and import "
        f"{seconds(both)} ({one.seconds / both:.2f} x). With {largest.realms} realms in the "
        f"stack `pulumi up` takes {seconds(largest.ours['change'].seconds)}: the engine checks "
        "and diffs every resource of the stack, while frodo touches one realm.",
    ]


def _create_refresh_destroy(results: Results) -> list[str]:
    lines = []
    for size in results.sizes[-1:]:
        n, ours = size.realms, size.ours
        create, refresh, destroy = (
            ours["create"].counts,
            ours["refresh"].counts,
            ours["destroy"].counts,
        )
        lines += [
            f"- Create ({n} realms): {create.reads / n:g} read(s) and {create.writes / n:g} "
            "write(s) per realm, against a minimum of 1 and 1: the three resources share the "
            "realm's one read, and each writes only its own attributes (a partial PUT each, so "
            "no resource ever rewrites another's). Linear in realms, paid once per realm.",
            f"- Refresh ({n} realms): {refresh.reads / n:g} read(s) per realm, against a minimum "
            f"of 1, plus {refresh.journeys / n:g} journey(s) per realm (`secretInEffect`). "
            "Linear in realms.",
            f"- Destroy ({n} realms): {destroy.writes / n:g} write(s) per realm: the journey and "
            "authenticated settings put their prior values back; the signing secret is retained "
            "(its default `onDelete`).",
        ]
    return lines
