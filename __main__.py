"""This project's Pulumi program: the package's stack program, over `stacks/Pulumi.<stack>.yaml`."""

from aic_sessions.program.main import run

run()
