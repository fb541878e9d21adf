# Userdesk: `make run` starts the desk with the embedded tenant; `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMPS := .stamps
WEB_SOURCES := $(shell find web/src web/index.html web/vite.config.ts web/package.json -type f 2>/dev/null)
STATIC_INDEX := src/userdesk/desk/static/index.html
CHROMIUM ?= /usr/bin/chromium

.PHONY: install run test test-fast lint fmt pytest web web-test api-types browser wrk bench clean

install: $(STAMPS)/python $(if $(wildcard web/package.json),$(STATIC_INDEX))

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMPS)/python: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/npm: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	@mkdir -p $(STAMPS) && touch $@

$(STATIC_INDEX): $(STAMPS)/npm $(WEB_SOURCES)
	cd web && npm run build

web: $(STATIC_INDEX)

# Browser tests drive Debian's Chromium (no browser downloads on this network).
browser:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "Chromium is missing: sudo apt-get install chromium" >&2; exit 1; fi; \
	fi

run: install
	$(BIN)/userdesk serve

lint: $(STAMPS)/python
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

fmt: $(STAMPS)/python
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

web-test: $(if $(wildcard web/package.json),$(STAMPS)/npm)
	@if [ -f web/package.json ]; then cd web && npm run -s typecheck && npm run -s test; fi

# The SPA's API types must be what the desk's OpenAPI document generates today.
api-types: $(STAMPS)/python $(STAMPS)/npm
	cd web && npm run -s openapi -- --check

pytest: install browser
	$(BIN)/pytest

test: install lint web-test api-types pytest

# The inner loop: lint and the Python tests that need no browser and take no long time.
test-fast: $(STAMPS)/python
	$(BIN)/ruff check src tests bench
	$(BIN)/pytest -m "not e2e and not slow" -q

# bench/throughput.py drives load with Debian's wrk, not a Python client on the same cores.
wrk:
	@if ! command -v wrk >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; \
	  else echo "wrk is missing: sudo apt-get install wrk" >&2; exit 1; fi; \
	fi

bench: install wrk
	@for script in bench/[!_]*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) $(STAMPS) web/node_modules web/dist src/userdesk/desk/static
