"""Run a real OpenAM 16.0.5 (Open Identity Platform) on loopback for the test suite.

Standard library only, so `scripts/openam` works before the project's virtualenv exists.
Modules: `layout` (paths, ports, credentials), `fetch` (Maven downloads, Tomcat and WAR
unpacked), `tomcat` (the server process), `configure` (headless configuration and hardening),
`provision` (realms and test users), `cli` (the `start`/`stop`/`status` commands).
"""
