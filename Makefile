# Coopérer — developer entry points. `make demo` and `make test` work on a fresh machine
# with Python 3.11 only: they create .venv and install the pinned, hash-checked lock files.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# The demo and the real-data tests read the official reference files from here when it exists.
SHARED_DATA ?= $(abspath ../shared/data)
export COOPERER_REFERENCE_DIR ?= $(if $(wildcard $(SHARED_DATA)/qpv),$(SHARED_DATA),)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo serve install install-dev test test-core test-browser quality format lock clean-demo bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-base: requirements/base.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/base.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.installed-dev: requirements/dev.lock $(VENV)/.installed-base
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.lock
	touch $@

install: $(VENV)/.installed-base
install-dev: $(VENV)/.installed-dev

demo: install
	$(BIN)/cooperer migrate --no-input
	$(BIN)/cooperer demo
	$(BIN)/cooperer serve --host $(HOST) --port $(PORT)

serve: install
	$(BIN)/cooperer serve --host $(HOST) --port $(PORT)

test: install-dev
	$(BIN)/pytest -p randomly -m "not browser and not production" $(PYTEST_ARGS)
	$(MAKE) --no-print-directory test-browser

test-core: install-dev
	$(BIN)/pytest -m "not browser and not production" $(PYTEST_ARGS)

test-browser: install-dev
	$(BIN)/pytest -p no:randomly -m browser $(PYTEST_ARGS)

quality: install-dev
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/djlint --lint cooperer
	DJANGO_SETTINGS_MODULE=cooperer.settings.test $(BIN)/cooperer makemigrations --check --dry-run

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install-dev
	$(BIN)/python bench/qpv_at.py

# Regenerate the lock files (needs `uv`, a development tool, not needed to run or test).
lock:
	cd requirements && uv pip compile --python-version 3.11 --generate-hashes -q base.in -o base.lock
	cd requirements && uv pip compile --python-version 3.11 --generate-hashes -q dev.in -o dev.lock

clean-demo:
	rm -f var/cooperer.sqlite3
