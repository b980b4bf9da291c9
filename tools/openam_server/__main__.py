"""`python -m openam_server` is `scripts/openam`."""

from __future__ import annotations

import sys

from openam_server.cli import main

sys.exit(main())
