"""Runs the pack (the engine starts `python <this folder> <engine address>`), or with `--path`
prints the folder to give to `pulumi preview --policy-pack`. `--help`, or any other `--` option
(the engine passes none), prints the usage instead of starting a policy server that waits for an
engine."""

import sys
from pathlib import Path

USAGE = (
    "usage: python -m aic_sessions.policy_pack --path\n"
    "  prints the pack's folder: pulumi preview --policy-pack \"$(python -m "
    'aic_sessions.policy_pack --path)" --policy-pack-config FILE\n'
    "  (the engine runs the pack itself; its config: python -m aic_sessions.policy_pack.config "
    "--help)"
)
options = [a for a in sys.argv[1:] if a.startswith("--") or a == "-h"]

if sys.argv[1:] == ["--path"]:
    print(Path(__file__).resolve().parent)
elif options:
    asked = set(options) & {"-h", "--help"}
    print(USAGE, file=sys.stdout if asked else sys.stderr)
    sys.exit(0 if asked else 2)
else:
    from aic_sessions.policy_pack.pack import serve

    serve()
