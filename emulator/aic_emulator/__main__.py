"""`python -m aic_emulator`: run the emulator (see `cli.py`)."""

from aic_emulator.cli import main

raise SystemExit(main())
