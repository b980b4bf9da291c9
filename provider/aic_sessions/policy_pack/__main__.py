"""Runs the pack (the engine starts `python <this folder> <engine address>`), or with `--path`
prints the folder to give to `pulumi preview --policy-pack`."""

import sys
from pathlib import Path

if sys.argv[1:] == ["--path"]:
    print(Path(__file__).resolve().parent)
else:
    from aic_sessions.policy_pack.pack import serve

    serve()
