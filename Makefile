# Entry points. `make up` and `make test` work on a fresh machine: each runs `setup` first.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
VENV_PY := $(VENV)/bin/python
STACK ?= dev
WITH_ENGINE := scripts/with-engine

.PHONY: help setup venv engine pulumi-path up policy-check test check bench lint clean frodo emulator

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

setup: venv engine frodo postgres ## Create the virtualenv, install the project and ensure the Pulumi engine (idempotent)

venv: $(VENV)/.installed

# constraints.txt pins this repository's own setup and CI; the package keeps library ranges.
$(VENV)/.installed: pyproject.toml constraints.txt
	@test -x $(VENV_PY) || $(PYTHON) -m venv $(VENV)
	$(VENV_PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(VENV_PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $@

engine: ## Build or find the Pulumi engine (cached outside the clone)
	@scripts/ensure-engine >/dev/null

pulumi-path: ## Print the absolute path of the pulumi binary in use
	@scripts/ensure-engine --pulumi

UP_TO ?= prod
up: setup ## The main job: the emulator's promotion group, and the chain dev -> staging -> prod (UP_TO=dev|staging|prod)
	scripts/local-up $(UP_TO)

policy-check: setup ## Preview every stack with the policy pack; fails on any mandatory violation
	scripts/policy-check

# Byte-compiled once before the tests, as a wheel install is: every engine command starts Python
# processes that import the package, and with PYTHONDONTWRITEBYTECODE set (some shells and CI
# images set it) each would compile it again.
BYTECODE := $(VENV_PY) -m compileall -q provider emulator tests bench __main__.py policies

# pytest-xdist workers (docs/development.md has the measurements); TEST_WORKERS=0 runs serially.
TEST_WORKERS ?= 2
XDIST := -n $(TEST_WORKERS) --dist loadgroup
# `make check`: what needs no engine, real server, PostgreSQL, frodo-cli or wheel, and is fast.
CHECK_SELECTION := not engine and not realserver and not postgres and not frodo and not wheel and not slow

test: setup openam-deps ## Lint, type checks and the whole suite, real components included (fails when no test ran)
	@rc=0; $(MAKE) --no-print-directory lint || rc=$$?; \
	$(BYTECODE); prc=0; $(WITH_ENGINE) $(VENV_PY) -m pytest $(XDIST) $(PYTEST_ARGS) || prc=$$?; \
	if [ $$prc -eq 5 ]; then echo "make test: pytest collected no tests; that is a failure" >&2; fi; \
	if [ $$rc -ne 0 ]; then echo "make test: lint or type checks failed (above)" >&2; fi; \
	[ $$prc -ne 0 ] && exit $$prc; exit $$rc

check: venv ## The inner loop, under 2 minutes: lint, type checks and the fast in-process tests
	@$(MAKE) --no-print-directory lint
	@$(BYTECODE)
	$(VENV_PY) -m pytest $(XDIST) -q -m "$(CHECK_SELECTION)" $(PYTEST_ARGS)

# BENCH_ARGS: options of bench/run.py, e.g. BENCH_ARGS="--sizes 1,10 --repeat 2 --output /tmp/b.md".
BENCH_ARGS ?=
bench: setup ## Benchmarks against the engine's floor and frodo-cli; writes docs/benchmarks.md (BENCH_ARGS)
	$(WITH_ENGINE) $(VENV_PY) bench/run.py $(BENCH_ARGS)

lint: venv ## ruff (lint + format check) and mypy --strict: the package, the emulator, tests, bench, programs
	$(VENV)/bin/ruff check provider emulator policies tests bench __main__.py
	$(VENV)/bin/ruff format --check provider emulator policies tests bench __main__.py
	$(VENV)/bin/mypy
	$(VENV)/bin/mypy tests bench
	$(VENV)/bin/mypy __main__.py
	$(VENV)/bin/mypy policies/__main__.py
	$(VENV)/bin/ruff check tools/openam_server && $(VENV)/bin/ruff format --check tools/openam_server
	$(VENV)/bin/mypy --strict --python-version 3.11 tools/openam_server

clean: ## Remove local state and the virtualenv (the engine cache stays)
	rm -rf $(VENV) .pulumi

FLAVOUR ?= aic
PORT ?= 8080

frodo: ## Install frodo-cli (a real AM/AIC client, for the emulator tests) if missing
	@test -x tools/frodo/node_modules/.bin/frodo || npm ci --prefix tools/frodo --no-audit --no-fund

emulator: venv ## Run the local AM/AIC emulator (FLAVOUR=aic|am, PORT=8080)
	$(VENV)/bin/aic-emulator --flavour $(FLAVOUR) --port $(PORT)

# The real OpenAM 16.0.5 of tests/realserver (docs/real-server.md); cached outside the clone.
.PHONY: openam openam-stop openam-deps

openam-deps: ## Java/Maven if missing, the OpenAM WAR and Tomcat (no server started)
	@scripts/openam fetch >/dev/null

openam: ## Start the real OpenAM on loopback (first time: download + configure); prints its URL
	@scripts/openam start

openam-stop: ## Stop the real OpenAM
	@scripts/openam stop
# Team tooling: the workflow linter and a throwaway PostgreSQL state backend.
.PHONY: postgres lint-workflows postgres-up postgres-down
PG_DIR ?= .pulumi/postgres

postgres: ## Ensure PostgreSQL's initdb/pg_ctl (Debian's package via apt-get when missing), for the team tests
	@scripts/postgres ensure >/dev/null

lint-workflows: ## actionlint (pinned, installed with go install into the cache) over .github/workflows
	"$$(scripts/ensure-actionlint)" .github/workflows/*.yml

postgres-up: ## Start a local PostgreSQL state backend in $(PG_DIR); prints its PULUMI_BACKEND_URL
	@scripts/postgres start "$(abspath $(PG_DIR))" | sed -n 2p

postgres-down: ## Stop the local PostgreSQL state backend and delete $(PG_DIR)
	scripts/postgres stop "$(abspath $(PG_DIR))"
