"""Findings computed from the figures: each goal met or not, and the likely cause when not."""

from __future__ import annotations

from report import GOAL_RATIO, Results, seconds
from scenarios import SizeResult


def findings(results: Results) -> list[str]:
    return [
        *_preview_and_noop(results),
        *_ratios(results),
        *_change(results),
        *_create_refresh_destroy(results),
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
    worst = {
        key: max(results.sizes, key=lambda s, k=key: s.ratio(k)) for key in ("preview", "noop")
    }
    if all(size.ratio(key) <= GOAL_RATIO for key, size in worst.items()):
        return [
            f"- Wall time of preview and no-op up stays within {GOAL_RATIO} x the floor: **met**."
        ]
    lines = []
    for key, size in worst.items():
        label = "preview" if key == "preview" else "no-op up"
        each = ", ".join(f"{s.realms}: {s.ratio(key):.2f}" for s in results.sizes)
        verdict = "**not met**" if size.ratio(key) > GOAL_RATIO else "met"
        lines.append(
            f"- {label} against the EngineProbe floor (goal <= {GOAL_RATIO}): {verdict}; "
            f"ratio by realms {each}."
        )
    return [*lines, *_ratio_cause(results)]


def _ratio_cause(results: Results) -> list[str]:
    cold = results.cold
    fixed = 2 * (cold.ours_ms - cold.floor_ms) / 1000
    lines = [
        "- What is left, checked against the measured parts: a constant cost per command, "
        "because the program process and the provider process each import our package "
        f"(pydantic and the models; the HTTP stack only when a provider method calls the API): "
        f"2 x {cold.ours_ms - cold.floor_ms:.0f} ms = {fixed:.2f} s. The signing secrets' scrypt "
        f"fingerprint ({cold.fingerprint_ms:.0f} ms) runs only when a secret changes: `check` "
        "keeps the old fingerprint while the encrypted `fingerprintBasis` digest is unchanged.",
    ]
    for size in results.sizes:
        extra = size.ours["preview"].seconds - size.floor["preview"].seconds
        lines.append(
            f"  - {size.realms} realm(s): preview is {seconds(extra)} slower than the floor; "
            f"the import cost alone is {seconds(fixed)}."
        )
    lines.append(_slope(results.sizes, cold.fingerprint_ms))
    lines.append(_without_fingerprints(results))
    return lines


def _without_fingerprints(results: Results) -> str:
    diag = results.without_fingerprints
    same = next(s for s in results.sizes if s.realms == diag.realms)
    return (
        f"  - Check: with the signing secrets given as ESV references (nothing to "
        f"fingerprint), preview of {diag.realms} realms took "
        f"{seconds(diag.ours['preview'].seconds)} against the floor's "
        f"{seconds(diag.floor['preview'].seconds)}: ratio {diag.ratio('preview'):.2f}, against "
        f"{same.ratio('preview'):.2f} with generated secrets."
    )


def _slope(sizes: list[SizeResult], fingerprint_ms: float) -> str:
    first, last = sizes[0], sizes[-1]
    span = last.realms - first.realms
    if span <= 0:
        return "  - (one size only: no growth figure)"
    ours = (last.ours["preview"].seconds - first.ours["preview"].seconds) / span * 1000
    floor = (last.floor["preview"].seconds - first.floor["preview"].seconds) / span * 1000
    return (
        f"  - Each further realm adds {ours:.0f} ms to our preview and {floor:.0f} ms to the "
        f"floor's: {ours - floor:.0f} ms more per realm (a fingerprint computed at every run "
        f"would add {fingerprint_ms:.0f} ms per realm)."
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
            "write(s) per realm, against a minimum of 1 and 1: each of the three resources reads "
            "the realm's authentication document for its own prior values, then writes its own "
            "attributes. It grows linearly with realms and is paid once per realm.",
            f"- Refresh ({n} realms): {refresh.reads / n:g} read(s) per realm, against a minimum "
            "of 1 (the three resources each read the same document). Linear in realms.",
            f"- Destroy ({n} realms): {destroy.writes / n:g} write(s) per realm: the journey and "
            "authenticated settings put their prior values back; the signing secret is retained "
            "(its default `onDelete`).",
        ]
    return lines
