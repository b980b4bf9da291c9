"""Runs the pack (the engine starts it with its address and its own logging and tracing
flags), or with `--path` prints the folder to give to `pulumi preview --policy-pack`. Exactly
`--help` or `-h` prints the usage instead of starting a policy server that waits for an engine;
any other arguments are the engine's."""

import sys
from pathlib import Path

USAGE = (
    "usage: python -m aic_sessions.policy_pack --path\n"
    "  prints the pack's folder: pulumi preview --policy-pack \"$(python -m "
    'aic_sessions.policy_pack --path)" --policy-pack-config FILE\n'
    "  (the engine runs the pack itself; its config: python -m aic_sessions.policy_pack.config "
    "--help)"
)
if sys.argv[1:] == ["--path"]:
    print(Path(__file__).resolve().parent)
elif sys.argv[1:] in (["--help"], ["-h"]):
    print(USAGE)
else:
    from aic_sessions.policy_pack.pack import serve

    serve()
