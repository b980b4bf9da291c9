"""`make bench`: measure requests and wall time of our stack against the engine's floor and
frodo-cli, print the tables and write docs/benchmarks.md.

    make bench                      # = scripts/with-engine .venv/bin/python bench/run.py
    bench/run.py --sizes 1,10 --repeat 3 --output /tmp/b.md   (a quicker, partial run)
    bench/run.py --render-from FILE   (write the page again from a run's saved figures)

The largest size also runs `pulumi refresh` with 100 ms added to every admin-API request.

Everything is measured in this one invocation, against emulators started here on 127.0.0.1,
with each Pulumi project copied to a temporary directory with its own file backend.
"""

from __future__ import annotations

import argparse
import os
import pickle
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from findings import findings
from harness import REPO, VENV, engine_env, interrupt_was_ignored
from imports import measure_imports
from machine import Machine, machine
from processes import INTERVAL
from report import (
    GOAL_RATIO,
    Results,
    cold_start,
    collector,
    cpu_ratios,
    cpu_split,
    data_ratios,
    graph_times,
    growth_requests,
    growth_times,
    import_costs,
    interrupt,
    other_times,
    parallelism,
    per_operation,
    ratios,
    reads_per_realm,
    state_sizes,
    versus_frodo,
)
from scenarios import (
    SPLIT_REPEAT,
    default_parallel,
    measure_cold_start,
    measure_frodo,
    measure_interrupt,
    measure_size,
    provider_workers,
)

COMMAND = "make bench"
LARGE, LARGE_REPEAT = 100, 3  # stacks of 100+ realms: 3 repetitions, to keep the run bounded


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10,50,200", help="numbers of realms (first one: 1)")
    parser.add_argument("--repeat", type=int, default=5, help="repetitions per timed operation")
    parser.add_argument("--output", type=Path, default=REPO / "docs" / "benchmarks.md")
    parser.add_argument(
        "--save-results",
        type=Path,
        help="where the run's figures are saved before the page is written (default: a new "
        "file in the temporary directory, named by the time; the run prints it)",
    )
    parser.add_argument(
        "--render-from",
        type=Path,
        help="measure nothing: write the page from figures a run saved (e.g. after a wording fix)",
    )
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    if args.render_from:
        measured, meta = pickle.loads(args.render_from.read_bytes())  # noqa: S301 (our own file)
    else:
        measured, meta = measure(args)
        # Saved first: a failure in writing the page does not cost the run.
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        saved = args.save_results or Path(tempfile.gettempdir()) / f"aic-bench-{stamp}.pickle"
        saved.write_bytes(pickle.dumps((measured, meta)))
        print(f"bench: figures saved in {saved}", file=sys.stderr)
    text = document(measured, meta)
    print(text)
    args.output.write_text(text)
    print(f"bench: wrote {args.output}", file=sys.stderr)
    return 0


def measure(args: argparse.Namespace) -> tuple[Results, dict[str, str]]:
    """Every measurement of the page, and the run's date, duration and load."""
    sizes = [int(n) for n in args.sizes.split(",")]
    started, load = time.monotonic(), os.getloadavg()[0]
    inherited = as_a_user_runs()
    with tempfile.TemporaryDirectory(prefix="aic-bench-") as tmp:
        workdir = Path(tmp)
        # An empty engine home: the engine reads its whole log folder at every command's start,
        # which would add the same constant to both sides of every ratio (docs/engine.md).
        env = {**engine_env(), "PULUMI_HOME": str(workdir / "pulumi-home")}
        host = machine(workdir)
        results = []
        for n in sizes:
            print(f"bench: {n} realm(s) ...", file=sys.stderr, flush=True)
            repeat = args.repeat if n < LARGE else min(args.repeat, LARGE_REPEAT)
            results.append(measure_size(n, repeat, workdir, env, latency=n == sizes[-1]))
        print("bench: frodo-cli, cold start, imports ...", file=sys.stderr, flush=True)
        frodo = measure_frodo(args.repeat, workdir)
        cold = measure_cold_start(args.repeat)
        imports = measure_imports(args.repeat)
        interrupt = measure_interrupt(args.repeat, workdir, env)
    measured = Results(
        results,
        imports,
        frodo,
        cold,
        host,
        args.repeat,
        default_parallel(),
        provider_workers(),
        interrupt,
        inherited,
    )
    meta = {
        "load": f"{load:.2f} at the start, {os.getloadavg()[0]:.2f} at the end",
        "minutes": f"{(time.monotonic() - started) / 60:.1f}",
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }
    return measured, meta


def as_a_user_runs() -> bool:
    """Start every command as a user's shell would: SIGINT not ignored, and our package
    byte-compiled as a wheel install is (PYTHONDONTWRITEBYTECODE would make every process
    compile it again). True when this process was started with SIGINT ignored."""
    ignored = interrupt_was_ignored()
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run(  # noqa: S603 (our own argument list, no shell)
        [str(VENV / "bin" / "python"), "-m", "compileall", "-q", str(REPO / "provider")],
        check=True,
        timeout=300,
    )
    return ignored


def document(results: Results, meta: dict[str, str]) -> str:
    sections = [
        "# Benchmarks",
        _intro(results, meta),
        "## Machine and versions",
        "\n".join(_machine(results.machine, meta)),
        "## Requests per operation (a stack of one realm: a baseline and three resources)",
        _COUNTS_NOTE,
        "\n".join(per_operation(results)),
        "## Findings",
        "\n".join(findings(results)),
        "## Reads per realm (goal: one read of each document the stack manages)",
        "\n".join(reads_per_realm(results)),
        f"## Wall time against the engine's floor (goal: ratio <= {GOAL_RATIO})",
        _FLOOR_NOTE.format(repeat=results.repeat, large=LARGE, large_repeat=LARGE_REPEAT),
        "\n".join(ratios(results)),
        "\n".join(other_times(results)),
        "## Against the data floor",
        _DATA_NOTE.format(repeat=results.repeat),
        "\n".join(data_ratios(results)),
        "## CPU time against the floor",
        _CPU_NOTE.format(repeat=results.repeat),
        "\n".join(cpu_ratios(results)),
        "## Where the CPU of a preview goes",
        _SPLIT_NOTE.format(repeat=min(results.repeat, SPLIT_REPEAT), interval=int(INTERVAL * 1000)),
        "\n".join(cpu_split(results)),
        "## What the registrations cost",
        _GRAPH_NOTE,
        "\n".join(graph_times(results)),
        "## The program's collector",
        _COLLECTOR_NOTE.format(repeat=min(results.repeat, SPLIT_REPEAT)),
        "\n".join(collector(results)),
        "## What each process imports (the constant part of the ratio)",
        _IMPORTS_NOTE,
        "\n".join(import_costs(results)),
        "## How cost grows with realms",
        "Requests (config reads / writes / journeys / login and other):",
        "\n".join(growth_requests(results)),
        "Wall time of one more realm (slope between the smallest and the largest stack):",
        "\n".join(growth_times(results)),
        "### State per realm",
        "The stack's state file after create, divided by the realms (the stack's own records "
        "included): the file backend writes all of it at every checkpoint, one per resource "
        "operation of create and destroy.",
        "\n".join(state_sizes(results)),
        "## One-field change: `pulumi up` against frodo-cli",
        _FRODO_NOTE,
        "\n".join(versus_frodo(results)),
        "## Provider cold start",
        "\n".join(cold_start(results)),
        "## Parallelism",
        "\n".join(parallelism(results)),
        "## Commands started with SIGINT ignored",
        _INTERRUPT_NOTE,
        "\n".join(interrupt(results)),
    ]
    return "\n\n".join(sections) + "\n"


def _intro(results: Results, meta: dict[str, str]) -> str:
    sizes = ", ".join(str(s.realms) for s in results.sizes)
    return (
        f"Measured on {meta['date']} by one run of `{COMMAND}` ({meta['minutes']} minutes), which "
        "runs `scripts/with-engine .venv/bin/python bench/run.py`. Reproduce with the same "
        f"command; `bench/run.py --help` lists the options. Stacks of {sizes} realm(s) on the "
        "emulator's `am` flavour (admin login `amadmin`), started in-process on 127.0.0.1; each "
        "project is copied to a temporary directory with its own file backend. This file is "
        "written by the script: edit `bench/` rather than this page."
    )


def _machine(host: Machine, meta: dict[str, str]) -> list[str]:
    return [
        "| | |",
        "|---|---|",
        f"| CPU | {host.cpu}, {host.cores} cores |",
        f"| RAM | {host.ram_gib:.1f} GiB |",
        f"| OS | {host.system} |",
        f"| load average (1 min) | {meta['load']} |",
        f"| pulumi CLI | {host.pulumi} |",
        f"| pulumi Python SDK | {host.pulumi_sdk} |",
        f"| Python | {host.python} |",
        f"| frodo-cli | {host.frodo} (node {host.node}) |",
    ]


_COUNTS_NOTE = (
    "Counted by the emulator. *Config reads*: GET of `realm-config` (the authentication "
    "document, and the Session service where a stack manages its timeouts); *config writes*: "
    "PUT/POST/DELETE of `realm-config`; *journeys*: `POST .../realms/<realm>/authenticate` "
    "without credentials, the end-user call with which `SigningSecret` checks the secret in "
    "effect (one per realm in create and refresh; not an admin call); *login/other*: admin login, "
    "server info, session and OAuth requests. "
    "*Minimum*: what any tool needs for the same effect (one read and one write per changed "
    "realm; nothing when nothing changes). *Bytes written*: bodies of the config writes."
)
_FLOOR_NOTE = (
    "The floor is a project with our resource graph made of `EngineProbe`s (a do-nothing "
    "dynamic resource, `bench/engine_probe.py`): per realm a component (a `ComponentResource` "
    "subclass, as ours is: the SDK records no call stack for a bare one), a baseline, and three "
    "resources that depend on the baseline and take its output, under the component, as ours "
    "registers them; the SDK waits for each probe's outputs as one, as for ours "
    "(`aic_sessions/resources/sdk_wait.py`; the data floor's too); run by the same engine on the "
    "same virtualenv, in turns with ours. "
    "Medians of {repeat} runs ({large_repeat} from {large} realms "
    "up; create, destroy: one run). Wall times depend on the machine's load (see above): the "
    "ratios, measured in turns, are what to compare."
)
_DATA_NOTE = (
    "The data floor registers our graph with our data: per realm the properties, outputs and "
    "secrets each of our resources holds (copied from our stack's state after create, the "
    "realm's name replaced), the component's and the stack's outputs, in `MirrorProbe`s with "
    "do-nothing providers (`bench/engine_probe.py`), one provider class per resource type as "
    "ours. Same engine, same virtualenv, in turns with ours and the floor (medians of "
    "{repeat}). It is not the goal's floor: it shows what the data costs by itself."
)
_CPU_NOTE = (
    "CPU seconds (user and system) of all the processes of a command, as the kernel counts them "
    "for the processes it waited for (the engine, the language host, the program, the provider "
    "process), in the same runs as the wall times above (medians of {repeat}). Less sensitive "
    "to other work on the machine than wall time."
)
_SPLIT_NOTE = (
    "CPU seconds of each process of a preview, ours beside the floor's: medians of {repeat} "
    "extra previews in turns, sampled from `/proc` every {interval} ms (`bench/processes.py`). "
    "*engine*: the `pulumi` CLI; *program*: the Python program run by the language host; "
    "*provider*: `python -m pulumi.dynamic`; *other*: the language host and what it starts to "
    "inspect the virtualenv; *unseen*: the kernel's total for the run less what the samples "
    "saw (each process's last interval, processes shorter than one)."
)
_GRAPH_NOTE = (
    "The floor's graph without the component, without the baseline, and without both (3 "
    "probes per realm), measured in the same turns as ours and the floor (medians as above): "
    "what each registration costs by itself, whatever a provider does. Beside them the floor "
    "with Python's collector at its defaults, and the floor as a plain program has it: the SDK "
    "waiting for each output apart (`sdk_wait`) and the collector at its defaults."
)
_COLLECTOR_NOTE = (
    "Our stack program raises the thresholds of Python's cyclic garbage collector before it "
    "declares anything (`aic_sessions/collector.py`); the floor and the data floor do the same. "
    "Here the floor's preview with the collector at Python's defaults, beside the floor; and "
    "the program process's CPU and peak resident memory (the kernel's high-water mark, sampled "
    "with the CPU) of the sampled previews above (medians of {repeat})."
)
_INTERRUPT_NOTE = (
    "A process started with SIGINT ignored passes that on to the commands it starts. The engine "
    "ends its plugins, the language host among them, with SIGINT and kills them 5 s later. One "
    "floor preview of one realm, in turns each way (the findings say what it shows):"
)
_IMPORTS_NOTE = (
    "`python -X importtime` (median of the runs) of the imports each process makes: the program "
    "process runs the top-level imports of our `__main__.py`, then the module the program "
    "imports to declare realms (`resources.realm`) (the floor: its program's imports); the "
    "provider process the top-level imports of the SDK's `pulumi/dynamic/__main__.py`, then the "
    "modules it loads when it unpickles the providers (ours: baseline, journey, authenticated, "
    "signing_secret; the floor: engine_probe). Self times are grouped: *pulumi and the rest* (the "
    "SDK, grpc, protobuf, dill, the standard library), *pydantic* (with pydantic_core, "
    "annotated_types, typing_inspection), *aic_sessions* (our modules, including building their "
    "pydantic models). A fresh interpreter per run, on the same machine as the commands above."
)
_FRODO_NOTE = (
    "The same change (maxDurationMinutes of realm r1) applied by frodo-cli with admin login on "
    "the `am` flavour: `frodo authn export`, edit the JSON, `frodo authn import`. Ours runs "
    "`pulumi up --yes --skip-preview` after editing the stack file; a plain `pulumi up --yes` adds "
    "one preview (see above)."
)


if __name__ == "__main__":
    raise SystemExit(main())
