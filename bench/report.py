"""The Markdown of docs/benchmarks.md (also printed): tables, then findings computed from them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from harness import Counts
from imports import GROUPS, ProcessImports
from machine import Machine
from processes import PEAKS, SPLIT
from scenarios import (
    DESTROY,
    GRAPH_OPERATIONS,
    GRAPHS,
    LATENCY_MS,
    PREVIEW,
    REFRESH,
    UP,
    UP_NOOP,
    ColdStart,
    FrodoResult,
    Interrupt,
    Series,
    SizeResult,
)

GOAL_RATIO = 1.1
GOAL_LATENCY = 1.5  # refresh under latency against its minimum
GOAL_READS_PER_REALM = 1  # of the authentication document
GOAL_SERVICE_READS_PER_REALM = 0  # the bench stack manages no Session-service attribute


@dataclass(frozen=True)
class Results:
    sizes: list[SizeResult]
    imports: list[ProcessImports]
    frodo: FrodoResult
    cold: ColdStart
    machine: Machine
    repeat: int
    parallel: int
    workers: int
    interrupt: Interrupt
    interrupt_inherited: bool  # `make bench` itself was started with SIGINT ignored


def cmd(args: tuple[str, ...]) -> str:
    return "`pulumi " + " ".join(args) + "`"


def row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def header(*names: str) -> list[str]:
    return [row(*names), row(*["---"] * len(names))]


def seconds(value: float) -> str:
    return f"{value:.2f} s"


def ratio(value: float) -> str:
    return f"**{value:.2f}**" if value > GOAL_RATIO else f"{value:.2f}"


def split(value: Counts) -> tuple[int, int, int, int]:
    return value.reads, value.writes, value.journeys, value.other


def counts(series: Series) -> str:
    return f"{series.counts}" + ("" if series.stable else " (varied)")


# tables ------------------------------------------------------------------------------------

OPERATIONS = (  # key, label, command, minimum for one realm
    ("preview", "preview", cmd(PREVIEW), "0 / 0"),
    ("noop", "no-op up", cmd(UP_NOOP), "0 / 0"),
    ("change", "one-field change", cmd(UP) + " after maxDurationMinutes 5 -> 7", "1 / 1"),
    ("refresh", "refresh", cmd(REFRESH), "1 / 0"),
    ("create", "create", "first " + cmd(UP), "1 / 1"),
    ("destroy", "destroy", cmd(DESTROY), "0 / 1"),
)


LABELS = {key: label for key, label, *_ in OPERATIONS}


def per_operation(results: Results) -> list[str]:
    one = results.sizes[0]
    lines = header(
        "operation",
        "command",
        "config reads",
        "config writes",
        "journeys",
        "login/other",
        "minimum reads / writes",
        "bytes written",
    )
    for key, label, command, minimum in OPERATIONS:
        series = one.ours[key]
        lines.append(row(label, command, *split(series.counts), minimum, series.write_bytes))
    for series, label, command, minimum in (
        (results.frodo.export, "frodo: export", "`frodo authn export`", "1 / 0"),
        (results.frodo.import_, "frodo: import (the change)", "`frodo authn import`", "1 / 1"),
    ):
        lines.append(row(label, command, *split(series.counts), minimum, series.write_bytes))
    return lines


def growth_requests(results: Results) -> list[str]:
    keys = [key for key, *_ in OPERATIONS]
    lines = header("realms", *(label for _, label, *_ in OPERATIONS))
    for size in results.sizes:
        lines.append(row(size.realms, *(counts(size.ours[k]) for k in keys)))
    return lines


def reads_per_realm(results: Results) -> list[str]:
    """Per realm: GETs of the authentication document and of the Session service, and journeys
    (the same counts as the requests table, split by document)."""
    lines = header(
        "realms",
        "create: authentication / Session service reads per realm",
        "create: journeys per realm",
        "refresh: authentication / Session service reads per realm",
        "refresh: journeys per realm",
        "goal (reads)",
    )
    goal = f"{GOAL_READS_PER_REALM} / {GOAL_SERVICE_READS_PER_REALM}"
    for size in results.sizes:
        create, refresh = size.ours["create"].counts, size.ours["refresh"].counts
        n = size.realms
        lines.append(
            row(
                n,
                f"{create.authn_reads / n:g} / {create.service_reads / n:g}",
                f"{create.journeys / n:g}",
                f"{refresh.authn_reads / n:g} / {refresh.service_reads / n:g}",
                f"{refresh.journeys / n:g}",
                goal,
            )
        )
    return lines


def reads_met(results: Results) -> bool:
    return all(
        size.ours[op].counts.authn_reads == GOAL_READS_PER_REALM * size.realms
        and size.ours[op].counts.service_reads == GOAL_SERVICE_READS_PER_REALM * size.realms
        for size in results.sizes
        for op in ("create", "refresh")
    )


def ratios(results: Results) -> list[str]:
    lines = header("realms", "preview: ours", "floor", "ratio", "no-op up: ours", "floor", "ratio")
    for size in results.sizes:
        cells: list[str] = []
        for key in ("preview", "noop"):
            cells += [seconds(size.ours[key].seconds), seconds(size.floor[key].seconds)]
            cells.append(ratio(size.ratio(key)))
        lines.append(row(size.realms, *cells))
    return lines


def cpu_ratios(results: Results) -> list[str]:
    """CPU seconds of every process of a command (kernel figures), ours against the floor."""
    lines = header("realms", "preview: ours", "floor", "ratio", "no-op up: ours", "floor", "ratio")
    for size in results.sizes:
        cells: list[str] = []
        for key in ("preview", "noop"):
            ours, floor = size.ours[key].cpu, size.floor[key].cpu
            cells += [seconds(ours), seconds(floor), f"{ours / floor:.2f}" if floor else "-"]
        lines.append(row(size.realms, *cells))
    return lines


WHO = {"ours": "ours", "data": "data floor", "floor": "floor"}


def cpu_split(results: Results) -> list[str]:
    """Where the CPU of a preview goes: seconds per process, ours beside both floors."""
    lines = header("realms", *(f"{kind}: {WHO[who]}" for kind in SPLIT for who in WHO))
    for size in results.sizes:
        cells = [seconds(size.processes[who][kind]) for kind in SPLIT for who in WHO]
        lines.append(row(size.realms, *cells))
    return lines


def data_ratios(results: Results) -> list[str]:
    """Ours against the data floor, and the data floor against the EngineProbe floor."""
    lines = header(
        "realms",
        "preview: ours",
        "data floor",
        "ratio",
        "no-op up: ours",
        "data floor",
        "ratio",
        "preview: data floor / floor",
        "no-op up: data floor / floor",
    )
    for size in results.sizes:
        cells: list[str] = []
        for key in ("preview", "noop"):
            ours, data = size.ours[key].seconds, size.data[key].seconds
            cells += [seconds(ours), seconds(data), f"{ours / data:.2f}"]
        for key in ("preview", "noop"):
            cells.append(f"{size.data[key].seconds / size.floor[key].seconds:.2f}")
        lines.append(row(size.realms, *cells))
    return lines


def extra_cpu(size: SizeResult, kind: str, who: str = "ours", over: str = "floor") -> float:
    """CPU seconds a preview of `who` spends in process `kind` beyond `over`'s."""
    return size.processes[who][kind] - size.processes[over][kind]


def extra_cpu_per_realm_ms(
    results: Results, kind: str, who: str = "ours", over: str = "floor"
) -> float:
    """What one more realm adds to `extra_cpu` (ms; slope between the smallest and the largest
    stack, or the figure over the realms with one size)."""
    first, last = results.sizes[0], results.sizes[-1]
    span = last.realms - first.realms
    if span <= 0:
        return extra_cpu(last, kind, who, over) / last.realms * 1000
    return (extra_cpu(last, kind, who, over) - extra_cpu(first, kind, who, over)) / span * 1000


GRAPH_LABELS = {
    "bare": "3 probes",
    "component": "+ component",
    "baseline": "+ baseline",
    "untuned": "+ both, collector at its defaults",
    "per-output": "+ both, as a plain program",
    "floor": "+ both (the floor)",
}


def graph_times(results: Results) -> list[str]:
    """The floor's graph with and without the component and the baseline, beside ours."""
    names = [*GRAPHS, "floor"]
    lines = header(
        "realms", *(f"{LABELS[op]}: {GRAPH_LABELS[n]}" for op in GRAPH_OPERATIONS for n in names)
    )
    for size in results.sizes:
        cells = [
            seconds(graph_series(size, n, op).seconds) for op in GRAPH_OPERATIONS for n in names
        ]
        lines.append(row(size.realms, *cells))
    return lines


def collector(results: Results) -> list[str]:
    """The floor with the collector tuned (as ours) and at Python's defaults: preview time, and
    the CPU and peak memory of the program process, beside ours."""
    lines = header(
        "realms",
        "preview: floor",
        "floor, collector at its defaults",
        "program CPU: ours",
        "floor",
        "floor, collector at its defaults",
        "program peak: ours",
        "floor",
        "floor, collector at its defaults",
    )
    for size in results.sizes:
        split = size.processes
        cells = [
            seconds(size.floor["preview"].seconds),
            seconds(graph_series(size, "untuned", "preview").seconds),
            *(seconds(split[who]["program"]) for who in ("ours", "floor", "untuned")),
            *(mib(split[who][PEAKS["program"]]) for who in ("ours", "floor", "untuned")),
        ]
        lines.append(row(size.realms, *cells))
    return lines


def mib(value: float) -> str:
    return f"{value:.0f} MiB"


def graph_series(size: SizeResult, name: str, operation: str) -> Series:
    return size.floor[operation] if name == "floor" else size.graphs[name][operation]


def per_realm_ms(results: Results, series_of: Callable[[SizeResult], Series]) -> float:
    """Milliseconds one more realm adds: the slope between the smallest and the largest stack
    (one size only: the time over the realms, an upper bound)."""
    first, last = results.sizes[0], results.sizes[-1]
    span = last.realms - first.realms
    if span <= 0:
        return series_of(last).seconds / last.realms * 1000
    return (series_of(last).seconds - series_of(first).seconds) / span * 1000


def ours_per_realm_ms(results: Results, operation: str) -> float:
    def ours(size: SizeResult) -> Series:
        return size.ours[operation]

    return per_realm_ms(results, ours)


def graph_per_realm_ms(results: Results, name: str, operation: str) -> float:
    def graph(size: SizeResult) -> Series:
        return graph_series(size, name, operation)

    return per_realm_ms(results, graph)


def registration_ms(results: Results, name: str, operation: str) -> float:
    """What the registrations of graph `name` add per realm over the bare 3 probes (ms)."""
    return graph_per_realm_ms(results, name, operation) - graph_per_realm_ms(
        results, "bare", operation
    )


def other_times(results: Results) -> list[str]:
    lines = header(
        "realms",
        "create: ours",
        "floor",
        "one-field change: ours",
        "refresh: ours",
        "floor",
        "destroy: ours",
        "floor",
    )
    for size in results.sizes:
        ours, floor = size.ours, size.floor
        cells = [
            ours["create"],
            floor["create"],
            ours["change"],
            ours["refresh"],
            floor["refresh"],
            ours["destroy"],
            floor["destroy"],
        ]
        lines.append(row(size.realms, *(seconds(s.seconds) for s in cells)))
    return lines


def growth_times(results: Results) -> list[str]:
    """Marginal wall time of one more realm, between the smallest and the largest stack."""
    first, last = results.sizes[0], results.sizes[-1]
    span = last.realms - first.realms
    if span <= 0:
        return ["(one size only: no growth figure)"]
    lines = header("per additional realm", "ours", "floor")
    for key in ("create", "preview", "noop", "change", "refresh", "destroy"):
        ours = (last.ours[key].seconds - first.ours[key].seconds) / span * 1000
        floor = "-"
        if key in last.floor:
            floor = f"{(last.floor[key].seconds - first.floor[key].seconds) / span * 1000:.0f} ms"
        lines.append(row(LABELS[key], f"{ours:.0f} ms", floor))
    return lines


def versus_frodo(results: Results) -> list[str]:
    frodo = results.frodo
    lines = header("tool", "what", "median", "reads / writes / journeys / login", "bytes written")
    for size in results.sizes:
        change = size.ours["change"]
        lines.append(
            row(
                "ours",
                f"`pulumi up`, stack of {size.realms} realm(s)",
                seconds(change.seconds),
                change.counts,
                change.write_bytes,
            )
        )
    lines.append(
        row(
            "frodo-cli",
            "`frodo authn import`",
            seconds(frodo.import_.seconds),
            frodo.import_.counts,
            frodo.import_.write_bytes,
        )
    )
    both = frodo.export.seconds + frodo.import_.seconds
    lines.append(row("frodo-cli", "`authn export`, edit, `authn import`", seconds(both), "-", "-"))
    return lines


def cold_start(results: Results) -> list[str]:
    cold = results.cold
    return [
        *header("in a fresh `python -c`", "median"),
        row(
            "`import pulumi.dynamic` alone",
            f"{cold.floor_ms:.0f} ms",
        ),
        row(
            "`import pulumi.dynamic, aic_sessions.resources` + build a client (ours)",
            f"{cold.ours_ms:.0f} ms",
        ),
        row("ratio", ratio(cold.ours_ms / cold.floor_ms)),
        row(
            "one `SigningSecret` fingerprint (scrypt), computed when a secret changes",
            f"{cold.fingerprint_ms:.0f} ms",
        ),
    ]


def import_costs(results: Results) -> list[str]:
    lines = header("process", "", *GROUPS, "total", "ours - floor")
    for process in results.imports:
        for who, cost in (("ours", process.ours), ("floor", process.floor)):
            extra = f"{process.ours.total - process.floor.total:.0f} ms" if who == "ours" else ""
            cells = [f"{cost.groups[g]:.0f} ms" for g in GROUPS]
            lines.append(row(process.process, who, *cells, f"{cost.total:.0f} ms", extra))
    return lines


def import_extra_ms(results: Results) -> float:
    """What our imports add over the floor's, both processes together (ms)."""
    return sum(p.ours.total - p.floor.total for p in results.imports)


def effective_parallelism(results: Results) -> int:
    """Provider calls that can run at once: the engine's --parallel, capped by the provider's
    thread pool."""
    return max(1, min(results.parallel, results.workers or results.parallel))


def parallelism(results: Results) -> list[str]:
    largest = results.sizes[-1]
    slow = largest.ours["refresh-latency"]
    n, width, latency = largest.realms, effective_parallelism(results), LATENCY_MS / 1000
    minimum = -(-n // width) * latency
    ours_bound = -(-slow.counts.total // width) * latency
    floor = largest.floor["refresh"].seconds
    peaks = ", ".join(f"{s.realms} realms: {s.ours['create'].peak}" for s in results.sizes)
    verdict = "**met**" if latency_ratio(results) <= GOAL_LATENCY else "**not met**"
    return [
        f"- pulumi's default `--parallel` here: {results.parallel} (4 x GOMAXPROCS; "
        "`PULUMI_PARALLEL` overrides it).",
        f"- The dynamic-provider process serves every call with a thread pool of "
        f"{results.workers} (read from the installed `pulumi/dynamic/__main__.py`), so at most "
        f"{results.workers} provider calls run at once whatever `--parallel` says.",
        "- The provider serialises the writes of one realm's resources (one lock per realm); "
        "reads take no lock and share one read of the realm's document.",
        f"- Peak admin-API requests in flight during create: {peaks} (the emulator answers in "
        "about a millisecond, so calls rarely overlap).",
        f"- With {LATENCY_MS} ms added to every admin-API request, `pulumi refresh` of {n} "
        f"realms took {seconds(slow.seconds)}, with a peak of {slow.peak} requests in flight. It "
        f"sent {slow.counts.authn_reads} authentication reads, {slow.counts.journeys} journeys "
        f"and {slow.counts.other} login/other request(s) ({slow.counts.total} in all).",
        f"- The minimum a tool needs: one read per realm, {width} at a time (the engine's "
        f"parallelism here: min(`--parallel` {results.parallel}, provider threads "
        f"{results.workers})): {n} / {width} x {LATENCY_MS} ms = {seconds(minimum)}, on top of "
        f"the engine's own refresh of {n} realms ({seconds(floor)} for the floor without any "
        f"request): {seconds(minimum + floor)}; ours is {slow.seconds / (minimum + floor):.2f} x "
        "that. Counting honestly what ours is asked to check, a read and a journey per realm "
        f"(`secretInEffect`) plus the login, {slow.counts.total} requests {width} at a time need "
        f"{seconds(ours_bound)} (+ the engine's {seconds(floor)} = "
        f"{seconds(ours_bound + floor)}); ours is {latency_ratio(results):.2f} x that (goal: "
        f"<= {GOAL_LATENCY}: {verdict}). Reads take no realm lock (the read cache gives one "
        "read per realm) and a journey goes beside its realm's document read; what remains is "
        "a realm's resources waiting for the one read of their document, each on a provider "
        "thread.",
    ]


def latency_ratio(results: Results) -> float:
    """Refresh with latency against the minimum for the requests it must send (read and
    journey per realm, login), at the engine's parallelism, plus the floor's refresh."""
    largest = results.sizes[-1]
    slow = largest.ours["refresh-latency"]
    width = effective_parallelism(results)
    bound = -(-slow.counts.total // width) * LATENCY_MS / 1000
    return slow.seconds / (bound + largest.floor["refresh"].seconds)


def interrupt(results: Results) -> list[str]:
    found = results.interrupt
    started = (
        "`make bench` was itself started with SIGINT ignored; it restored the default for its "
        "commands."
        if results.interrupt_inherited
        else "`make bench` was started with the default SIGINT handling."
    )
    return [
        *header("floor preview, 1 realm", "median"),
        row("started as from a terminal (SIGINT default)", seconds(found.default)),
        row("started with SIGINT ignored (`cmd &` in a script)", seconds(found.ignored)),
        row("difference", seconds(found.penalty)),
        "",
        started,
    ]


def state_sizes(results: Results) -> list[str]:
    """The stack's state file after create, per realm (the stack's own records included)."""
    lines = header("realms", "ours", "data floor", "floor", "ours / floor")
    for size in results.sizes:
        kb = {name: b / size.realms / 1024 for name, b in size.state_bytes.items()}
        cells = [f"{kb[name]:.1f} KB" for name in ("ours", "data", "floor")]
        lines.append(row(size.realms, *cells, f"{kb['ours'] / kb['floor']:.2f}"))
    return lines
