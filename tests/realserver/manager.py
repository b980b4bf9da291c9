"""The modules of `scripts/openam` (tools/openam_server), importable from the tests."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

TOOLS = Path(__file__).resolve().parents[2] / "tools"
if str(TOOLS) not in sys.path:
    sys.path.insert(0, str(TOOLS))

cli = importlib.import_module("openam_server.cli")
configure = importlib.import_module("openam_server.configure")
fetch = importlib.import_module("openam_server.fetch")
layout = importlib.import_module("openam_server.layout")
provision = importlib.import_module("openam_server.provision")
tomcat = importlib.import_module("openam_server.tomcat")
sessions = importlib.import_module("openam_server.sessions")
