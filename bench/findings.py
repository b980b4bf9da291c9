"""Findings computed from the figures: each goal met or not, and the likely cause when not."""

from __future__ import annotations

from imports import GROUPS
from processes import PEAKS, PROCESSES
from report import (
    GOAL_RATIO,
    GOAL_READS_PER_REALM,
    GOAL_SERVICE_READS_PER_REALM,
    LABELS,
    Results,
    extra_cpu,
    extra_cpu_per_realm_ms,
    graph_per_realm_ms,
    graph_series,
    import_extra_ms,
    ours_per_realm_ms,
    reads_met,
    registration_ms,
    seconds,
)
from scenarios import GRAPH_OPERATIONS, SizeResult

GOAL_CHANGE_GROWTH = 1.5  # a one-field change at the largest size against one realm
GOAL_SLOPE_RATIO = 1.3  # create and destroy: ours per further realm against the floor's
INTERRUPT_WAIT = 5.0  # seconds: the engine's wait between SIGINT and SIGKILL of a plugin


def findings(results: Results) -> list[str]:
    return [
        *_interrupt(results),
        *_reads(results),
        *_preview_and_noop(results),
        *_ratios(results),
        *_graph(results),
        *_sdk_wait(results),
        *_collector(results),
        *_change(results),
        *_create_refresh_destroy(results),
        *_slopes_and_state(results),
    ]


def _reads(results: Results) -> list[str]:
    def per_realm(size: SizeResult, op: str) -> str:
        counts = size.ours[op].counts
        return (
            f"{counts.authn_reads / size.realms:g} authentication + "
            f"{counts.service_reads / size.realms:g} Session service"
        )

    each = "; ".join(
        f"{s.realms}: create {per_realm(s, 'create')}, refresh {per_realm(s, 'refresh')}"
        for s in results.sizes
    )
    verdict = "**met**" if reads_met(results) else "**not met**"
    journeys = "; ".join(
        f"{s.realms}: {s.ours['create'].counts.journeys / s.realms:g} / "
        f"{s.ours['refresh'].counts.journeys / s.realms:g}"
        for s in results.sizes
    )
    return [
        f"- Reads per realm in `create` and `refresh` (goal: {GOAL_READS_PER_REALM} of the "
        f"authentication document and {GOAL_SERVICE_READS_PER_REALM} of the Session service, "
        "whose attributes the bench stack does not manage, at every size): "
        f"{verdict}; per realm by realms {each}. The resources of a realm share each read: "
        "the provider process keeps a per-deployment cache (`DeploymentReadCache`), filled by "
        "the first read and by the documents our own writes return.",
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
    return [*lines, *_ratio_cause(results), *_composition(results)]


def _ratio_cause(results: Results) -> list[str]:
    extra = import_extra_ms(results) / 1000
    program, provider = results.imports
    rest = sum(p.ours.groups[GROUPS[0]] - p.floor.groups[GROUPS[0]] for p in (program, provider))
    lines = [
        '- What bounds the ratio, from the measured parts (see "What each process imports"): '
        f"our program process imports {program.ours.total - program.floor.total:.0f} ms more than "
        f"the floor's and our provider process {provider.ours.total - provider.floor.total:.0f} ms "
        f"more: {seconds(extra)} per command: pydantic's "
        f"{program.ours.groups['pydantic'] + provider.ours.groups['pydantic']:.0f} ms plus our "
        f"own modules' "
        f"{program.ours.groups['aic_sessions'] + provider.ours.groups['aic_sessions']:.0f} ms "
        "(executing their module bodies: classes, pydantic models, tables), "
        f"{'less' if rest < 0 else 'plus'} the {abs(rest):.0f} ms by which our processes import "
        f"{'less' if rest < 0 else 'more'} of the rest than the floor's. "
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


def _composition(results: Results) -> list[str]:
    """The gap split into what the data costs and what our code costs, by process."""
    cores = results.machine.cores
    lines = [
        "- The goal is judged against the EngineProbe floor (the same graph, one short string per "
        'resource), as the goal asks. The data floor ("Against the data floor") registers the '
        "same graph with the same data: each resource's properties, outputs and secrets as our "
        "stack holds them, and the same stack and component outputs, with do-nothing "
        "providers. It splits the gap into what the engine and the SDK spend on that data "
        "(data floor less floor) and what our code adds (ours less data floor: imports, "
        "constructors, `check`/`diff`); it is shown beside the goal, never instead of it. "
        'CPU seconds of one preview by process ("Where the CPU of a preview goes"; '
        f"{cores} cores shared by the engine, the program and the provider process):"
    ]
    for size in results.sizes:
        ours, data, floor = (s["preview"].seconds for s in (size.ours, size.data, size.floor))
        code = ", ".join(f"{k} {extra_cpu(size, k, 'ours', 'data'):+.2f} s" for k in PROCESSES)
        held = ", ".join(f"{k} {extra_cpu(size, k, 'data', 'floor'):+.2f} s" for k in PROCESSES)
        verdict = "within" if size.ratio("preview") <= GOAL_RATIO else "beyond"
        lines.append(
            f"  - {size.realms} realm(s): preview ratio {size.ratio('preview'):.2f} ({verdict} "
            f"the goal): ours {seconds(ours)}, data floor {seconds(data)}, floor "
            f"{seconds(floor)}. The data: {seconds(data - floor)} ({data / floor:.2f} x the "
            f"floor; CPU {held}); our code: {seconds(ours - data)} ({ours / data:.2f} x the data "
            f"floor; CPU {code})."
        )
    code_slope = ", ".join(
        f"{k} {extra_cpu_per_realm_ms(results, k, 'ours', 'data'):+.1f} ms" for k in PROCESSES
    )
    data_slope = ", ".join(
        f"{k} {extra_cpu_per_realm_ms(results, k, 'data', 'floor'):+.1f} ms" for k in PROCESSES
    )
    first = results.sizes[0]

    def without_realms(kind: str) -> float:
        slope = extra_cpu_per_realm_ms(results, kind, "ours", "data")
        return extra_cpu(first, kind, "ours", "data") - slope * first.realms / 1000

    constant = ", ".join(f"{k} {without_realms(k):+.2f} s" for k in ("program", "provider"))
    lines.append(
        f"  - Per further realm, CPU: the data adds {data_slope}; our code adds {code_slope}. "
        f"Our code without realms (extrapolated): {constant}, against the "
        f'{import_extra_ms(results):.0f} ms our imports add ("What each process imports"). '
        "So the measured bound of the ratio, with the data and the graph as they are, is the "
        'data floor\'s ratio to the floor ("Against the data floor", last two columns); '
        "what lies above it is our code."
    )
    return lines


def _slope(sizes: list[SizeResult]) -> str:
    first, last = sizes[0], sizes[-1]
    span = last.realms - first.realms
    if span <= 0:
        return "  - (one size only: no growth figure)"
    parts = []
    for key in ("preview", "noop"):
        ours = (last.ours[key].seconds - first.ours[key].seconds) / span * 1000
        floor = (last.floor[key].seconds - first.floor[key].seconds) / span * 1000
        parts.append(
            f"{LABELS[key]}: each further realm adds {ours:.1f} ms to ours and {floor:.1f} ms "
            f"to the floor's ({ours - floor:+.1f} ms per realm: the data our resources hold "
            "and our own code, the registrations being the same; split below)"
        )
    return (
        "  - Growth: "
        + "; ".join(parts)
        + ". So the gap is the import constant above plus a per-realm part."
    )


def _graph(results: Results) -> list[str]:
    """What the component and the baseline cost by themselves, per realm, against ours."""
    lines = []
    largest = results.sizes[-1]
    for op in GRAPH_OPERATIONS:
        ours = ours_per_realm_ms(results, op)
        component = registration_ms(results, "component", op)
        baseline = registration_ms(results, "baseline", op)
        both = registration_ms(results, "floor", op)
        bare = graph_series(largest, "bare", op).seconds
        lines.append(
            f"  - {LABELS[op]}: the component adds {component:.1f} ms per realm and the "
            f"baseline {baseline:.1f} ms (both: {both:.1f} ms) to the 3 probes' "
            f"{graph_per_realm_ms(results, 'bare', op):.1f} ms; "
            f"ours costs {ours:.1f} ms per realm. At {largest.realms} realms that slope of the "
            f"two together comes to {both * largest.realms / 1000:.2f} s of the floor's "
            f"{seconds(largest.floor[op].seconds)} (3 probes alone: {seconds(bare)})."
        )
    return [
        "- What our resource graph costs by itself (the floor's EngineProbe graph with and "
        'without each registration, "What the registrations cost"; slopes between the '
        "smallest and the largest stack, so they carry the machine's noise):",
        *lines,
        _graph_decision(results),
    ]


def _sdk_wait(results: Results) -> list[str]:
    """What a plain program costs (the SDK's wait for each output apart, the collector at its
    defaults), and ours against it."""

    def per_size(op: str) -> str:
        return "; ".join(
            f"{s.realms}: {seconds(graph_series(s, 'per-output', op).seconds)} against "
            f"{seconds(s.floor[op].seconds)}"
            for s in results.sizes
        )

    def plain_ratios(op: str) -> str:
        return " / ".join(
            f"{s.ours[op].seconds / graph_series(s, 'per-output', op).seconds:.2f}"
            for s in results.sizes
        )

    sizes = " / ".join(str(s.realms) for s in results.sizes)
    return [
        "- The SDK's wait at the end of a program (`aic_sessions/resources/sdk_wait.py`): it "
        "walks every output still pending each time one completes; our resources hand it one "
        "task per resource (the gathering of its outputs) instead of one per output. The floor "
        "and the data floor do the same, so the ratios above compare like with like. The "
        "floor's probes have 3 or 4 outputs each (ours up to 13), so grouping them gains the "
        "floor little. The floor as a plain program has it (each output waited for apart, "
        "and the collector at its defaults: next finding) against the floor, by realms: "
        f"preview {per_size('preview')}; no-op up {per_size('noop')}. Against that plain "
        "program (what the same graph costs a user's program that does neither), ours is "
        f"at preview {plain_ratios('preview')} and no-op up {plain_ratios('noop')} "
        f"({sizes} realms).",
    ]


def _collector(results: Results) -> list[str]:
    """What raising the collector's thresholds gains the floor, in time and memory."""

    def per_size(size: SizeResult) -> str:
        tuned, untuned = size.floor["preview"].seconds, graph_series(size, "untuned", "preview")
        split = size.processes
        peak = PEAKS["program"]
        return (
            f"{size.realms}: {seconds(tuned)} against {seconds(untuned.seconds)} "
            f"({tuned / untuned.seconds:.2f} x), program CPU {seconds(split['floor']['program'])} "
            f"against {seconds(split['untuned']['program'])}, program peak "
            f"{split['floor'][peak]:.0f} MiB against {split['untuned'][peak]:.0f} MiB"
        )

    return [
        "- Python's cyclic garbage collector (`aic_sessions/collector.py`): at its default "
        "thresholds it walks the program's growing heap again and again. Our stack program "
        "raises them before it declares anything, and the "
        "floor and the data floor do the same, so the ratios above compare like with like. "
        "What it gains by itself, the floor's preview against the same with the collector at "
        "its defaults, by realms: " + "; ".join(per_size(s) for s in results.sizes) + ". A "
        "user's own program gains the same by calling `tune_collector()` first.",
    ]


def _graph_decision(results: Results) -> str:
    ours = ours_per_realm_ms(results, "preview")
    component = registration_ms(results, "component", "preview")
    baseline = registration_ms(results, "baseline", "preview")

    def share(ms: float) -> str:
        return f"{ms:.1f} ms per realm, {ms / ours:.0%} of ours" if ours > 0 else f"{ms:.1f} ms"

    return (
        f"  - Decision, from the preview figures: keep both. The baseline ({share(baseline)}) "
        "is the one read of a realm before any write: it keeps the realm's original values "
        "across a killed run, which nothing else does, and the settings resources take their "
        f"prior values from it instead of reading the realm. The component ({share(component)}) "
        "costs no provider call, only the engine's registration, and is the unit a user "
        "declares and reads outputs from. Removing either saves at most its figure, and the "
        "floor now carries both, so the ratios above compare like with like."
    )


def _interrupt(results: Results) -> list[str]:
    found = results.interrupt
    measured = (
        f"one floor preview took {seconds(found.ignored)} started with SIGINT ignored (a "
        f"`cmd &` in a script, some CI runners) against {seconds(found.default)} started as "
        f"from a terminal ({found.penalty:+.2f} s)"
    )
    if found.penalty < INTERRUPT_WAIT / 2:
        return [f"- Commands started with SIGINT ignored pay no extra wait: {measured}."]
    return [
        f"- **Commands started with SIGINT ignored wait out the engine's {INTERRUPT_WAIT:.0f} s "
        f"kill timeout**: {measured}. The language host inherits the ignored SIGINT, so the "
        "engine's SIGINT does not end it and the engine kills it "
        f"{INTERRUPT_WAIT:.0f} s later. A host that handles SIGINT (the official one does; "
        "Go's `signal.NotifyContext` un-ignores it) ends at once. Every other figure here "
        "comes from commands started with the default handling, as from a terminal.",
    ]


def _change(results: Results) -> list[str]:
    changes = [s.ours["change"].counts for s in results.sizes]
    first, frodo = changes[0], results.frodo
    constant = len(set(changes)) == 1
    one = results.sizes[0].ours["change"]
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
        f"{seconds(both)} ({one.seconds / both:.2f} x).",
        _change_growth(results),
    ]


def _change_growth(results: Results) -> str:
    """The change in the largest stack against the change in a stack of one realm (goal:
    1.5x), bounded below by the engine's own no-op `up` of the largest graph."""
    one, largest = results.sizes[0], results.sizes[-1]
    change, single = largest.ours["change"].seconds, one.ours["change"].seconds
    engine = largest.floor["noop"].seconds
    verdict = "**met**" if change <= GOAL_CHANGE_GROWTH * single else "**not met**"
    bound = (
        f"the engine alone needs {seconds(engine)} for a no-op `up` of that graph (the floor), "
        f"{engine / single:.2f} x the change at {one.realms} realm(s), so the goal is out of "
        "reach of any provider: the program registers and the engine checks and diffs every "
        "resource of the stack, while frodo touches one realm"
        if engine > GOAL_CHANGE_GROWTH * single
        else f"the engine alone needs {seconds(engine)} for a no-op `up` of that graph"
    )
    return (
        f"- The same change in a stack of {largest.realms} realms takes {seconds(change)}, "
        f"{change / single:.2f} x the {seconds(single)} of a stack of {one.realms} realm(s) "
        f"(goal: <= {GOAL_CHANGE_GROWTH}): {verdict}; it sends the same requests at every size "
        f"(see the growth table); {bound}."
    )


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
            f"- Create ({n} realms): {create.reads / n:g} read(s) per realm "
            f"({create.authn_reads / n:g} of the authentication document, "
            f"{create.service_reads / n:g} of the Session service) and {create.writes / n:g} "
            "write(s), against a minimum of 1 and 1: the resources of a realm share each read, "
            "and each writes only its own attributes (a partial PUT each, so no resource ever "
            "rewrites another's). Linear in realms, paid once per realm.",
            f"- Refresh ({n} realms): {refresh.reads / n:g} read(s) per realm, against a minimum "
            f"of 1, plus {refresh.journeys / n:g} journey(s) per realm (`secretInEffect`). "
            "Linear in realms.",
            f"- Destroy ({n} realms): {destroy.reads / n:g} read(s) and {destroy.writes / n:g} "
            "write(s) per realm: the realm's baseline puts back what differs from its prior "
            "values (the journey and authenticated settings are deleted with it, with no call "
            "of their own); the signing secret is retained (its default `onDelete`).",
        ]
    return lines


def _slopes_and_state(results: Results) -> list[str]:
    """Create and destroy per further realm against the floor, and the state they write."""
    last = results.sizes[-1]
    if len(results.sizes) < 2:
        return []
    parts, worst = [], 0.0
    for op in ("create", "destroy"):
        ours = ours_per_realm_ms(results, op)
        floor = graph_per_realm_ms(results, "floor", op)
        worst = max(worst, ours / floor if floor > 0 else float("inf"))
        ratio = f"{ours / floor:.2f} x" if floor > 0 else "no ratio: the floor's is not positive"
        parts.append(f"{LABELS[op]} {ours:.0f} ms against {floor:.0f} ms ({ratio})")
    verdict = "**met**" if worst <= GOAL_SLOPE_RATIO else "**not met**"
    kb = {name: size / last.realms / 1024 for name, size in last.state_bytes.items()}
    return [
        f"- Create and destroy per further realm against the floor (goal <= {GOAL_SLOPE_RATIO} "
        f"x; one create and one destroy per size, so a run's noise is in them): {verdict}; "
        f"{'; '.join(parts)}. The file backend writes the whole state at every "
        "step of both (a checkpoint per resource operation), so what one more realm costs grows "
        f"with the state's size: at {last.realms} realms ours holds {kb['ours']:.1f} KB per "
        f"realm, the data floor {kb['data']:.1f} KB and the floor {kb['floor']:.1f} KB "
        f'({kb["ours"] / kb["floor"]:.2f} x the floor\'s; "State per realm").'
    ]
