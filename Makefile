# exportdesk: `make run` starts everything on this machine; `make test` runs the whole suite;
# `make check` is the fast loop (lint, types, unit tests); `make bench` prints the benchmarks.
# Both environments are created and updated here. `make help` lists every target.
SHELL := /bin/bash
.DEFAULT_GOAL := help

APP_VENV    := .venv
ENGINE_VENV := .venv-engine
APP_PY      := $(APP_VENV)/bin/python
ENGINE_PY   := $(ENGINE_VENV)/bin/python
PY311       ?= $(shell command -v python3.11 2>/dev/null || echo python3)
# Rasa Open Source 3.6 runs on Python 3.8-3.10 only: python3.10 on PATH, else pyenv's.
PY310       ?= $(shell (python3.10 -c 'import sys' >/dev/null 2>&1 && command -v python3.10) \
                 || ls -d $$(pyenv root 2>/dev/null)/versions/3.10.*/bin/python 2>/dev/null | tail -n 1)

export PIP_DISABLE_PIP_VERSION_CHECK := 1
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

# The fast loop's tests: neither the Rasa engine's subprocess, nor a browser, nor a booted stack,
# nor the PostgreSQL, Redis and IMAP servers (each PostgreSQL test has a SQLite twin that stays in),
# nor the machine's apt-get (apt_install is tested against a fake one);
# markers set in tests/conftest.py from the fixtures each test requests. Two pytest workers; property
# tests on hypothesis' `dev` profile (a quarter of their examples: tests/conftest.py), the full
# suite on `ci` (all of them).
FAST_TESTS   := not engine and not e2e and not browser and not postgres and not redis and not imap \
                and not apt
CHECK_WORKERS ?= 2

.PHONY: help env run test check typecheck bench chaos load lint format model clean

help:
	@echo "make run       - start the Rasa engine and the app, demo page on http://127.0.0.1:8000/"
	@echo "make test      - run the whole test suite (creates environments, trains when needed)"
	@echo "make check     - the fast loop: ruff, mypy, unit tests (no engine, browser, stack, servers)"
	@echo "make bench     - print the benchmarks"
	@echo "make chaos     - the fault table: each part killed or restarted under buyers, once"
	@echo "make load      - 200 buyers for 10 minutes on PostgreSQL + Redis: 5xx, lost, RSS"
	@echo "make lint      - ruff check, ruff format check and mypy"
	@echo "make typecheck - mypy over the app's packages and bot/ (against the engine's packages)"
	@echo "make format    - ruff format and ruff check --fix"
	@echo "make model     - train the Rasa model if bot/ or config.yml changed"
	@echo "make env       - create or update both virtual environments"
	@echo "make clean     - remove var/, models/, caches and test artifacts"
	@echo "PYTEST_ARGS='...' is passed to pytest by test and check."

$(APP_VENV)/.installed: pyproject.toml
	@$(PY311) -c 'import sys; assert sys.version_info[:2] == (3, 11), sys.version' \
	  || { echo "Python 3.11 is needed for the app: install it (e.g. pyenv install 3.11)"; exit 1; }
	@test -x $(APP_PY) || $(PY311) -m venv $(APP_VENV)
	$(APP_PY) -m pip install -q --upgrade pip
	# torch first, pinned: the CPU build (an unpinned torch pulls a CUDA build of several GB)
	$(APP_PY) -m pip install -q 'torch==2.13.0'
	$(APP_PY) -m pip install -q -e '.[dev]'
	@touch $@

$(ENGINE_VENV)/.installed: bot/requirements.txt
	@test -n "$(PY310)" || { echo "Python 3.10 is needed for the Rasa engine (Rasa 3.6 supports 3.8-3.10):"; \
	  echo "  install python3.10 (apt install python3.10-venv, or pyenv install 3.10.13)"; exit 1; }
	@test -x $(ENGINE_PY) || $(PY310) -m venv $(ENGINE_VENV)
	$(ENGINE_PY) -m pip install -q --upgrade pip
	$(ENGINE_PY) -m pip install -q -r bot/requirements.txt
	@touch $@

env: $(APP_VENV)/.installed $(ENGINE_VENV)/.installed

model: env
	$(APP_PY) -m tools.stack train

run: env
	$(APP_PY) -m tools.fonts ensure
	$(APP_PY) -m tools.stack run

test: env
	$(APP_PY) -m tools.stack train
	$(APP_PY) -m tools.browser ensure
	$(APP_PY) -m tools.fonts ensure
	$(APP_PY) -m tools.mailserver ensure
	$(APP_PY) -m pytest $(PYTEST_ARGS)

bench: env
	$(APP_PY) -m tools.stack train
	$(APP_PY) bench/run_all.py

# Each fault once against the real stack on a PostgreSQL and a Redis of its own (never the
# machine's shared servers): tests/faults/scenarios.py, the same runs the fault tests assert on.
chaos: env
	$(APP_PY) -m tools.stack train
	$(APP_PY) bench/chaos.py

# The load run (issue 14), also the last part of `make bench`: on the same throwaway servers.
load: env
	$(APP_PY) -m tools.stack train
	$(APP_PY) bench/load_bench.py

check: env
	$(APP_VENV)/bin/ruff check .
	$(APP_VENV)/bin/ruff format --check .
	$(MAKE) --no-print-directory typecheck
	$(APP_PY) -m tools.fonts ensure
	EXPORTDESK_HYPOTHESIS=dev $(APP_PY) -m pytest -q -m "$(FAST_TESTS)" -n $(CHECK_WORKERS) $(PYTEST_ARGS)

lint: env
	$(APP_VENV)/bin/ruff check .
	$(APP_VENV)/bin/ruff format --check .
	$(MAKE) --no-print-directory typecheck

# mypy's settings and its list of packages are in pyproject.toml. bot/ runs on Python 3.10 with
# Rasa, which only the engine's environment has: mypy (from the app's environment) checks it
# against that environment's packages (Rasa ships no type hints: its classes are Any there).
typecheck: env
	$(APP_VENV)/bin/mypy
	$(APP_VENV)/bin/mypy --python-executable $(ENGINE_PY) --python-version 3.10 \
	  --cache-dir .mypy_cache/engine bot

format: env
	$(APP_VENV)/bin/ruff format .
	$(APP_VENV)/bin/ruff check --fix .

clean:
	rm -rf var models .pytest_cache .ruff_cache .mypy_cache test-artifacts
