"""Test-only hook: with `AIC_TEST_LOG_DIR` set, each Python process started by a reliability test
(the Pulumi program, the dynamic provider) writes the `aic_sessions` logs at DEBUG to its own file
there, so the leak scan reads the provider's log lines. `tests/reliability/deployment.py` puts
this folder on PYTHONPATH; nothing else imports it.
"""

from __future__ import annotations

import logging
import os

_LOG_DIR = os.environ.get("AIC_TEST_LOG_DIR")
if _LOG_DIR:
    _handler = logging.FileHandler(os.path.join(_LOG_DIR, f"python-{os.getpid()}.log"), delay=True)
    _handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    _logger = logging.getLogger("aic_sessions")
    _logger.setLevel(logging.DEBUG)
    _logger.addHandler(_handler)
