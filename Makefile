# One command each: `make demo` sets up and runs the example brand; `make test` sets up and runs the tests.
# The environment is installed from hash-pinned lock files (requirements/*.txt, exported from uv.lock), so
# two machines get the same versions; pyproject.toml keeps ranges for library users. `make lock` refreshes.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
TOOLS  := .tools
UV     := $(TOOLS)/bin/uv
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
PIP_Q  := --quiet --disable-pip-version-check
# llama-cpp-python (dev: the conformance test's server) builds from its sdist: portable code, since the
# native (-march=native) build crashed here in libggml-cpu. ~9 min of CPU once; pip caches the wheel.
LLAMA_BUILD := CMAKE_ARGS="-DGGML_NATIVE=OFF"
# uv reads neither pip.conf nor the environment pip does; both resolve from PyPI, the one index they share.
UV_EXPORT := $(UV) export --frozen --quiet --format requirements-txt --no-emit-project --no-default-groups --no-header

.PHONY: setup demo test test-pg lint bench docs lock lock-check browser clean

$(VENV)/.installed: pyproject.toml uv.lock requirements/bootstrap.txt requirements/dev.txt
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install $(PIP_Q) --require-hashes -r requirements/bootstrap.txt
	$(LLAMA_BUILD) $(BIN)/python -m pip install $(PIP_Q) --require-hashes --no-deps -r requirements/dev.txt
	$(BIN)/python -m pip install $(PIP_Q) --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	touch $@

setup: $(VENV)/.installed

# uv itself comes pinned by hash from requirements/tools.txt, in its own venv, so `make lock` works even
# when the dev venv cannot be built from a stale lock.
$(UV): requirements/tools.txt
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install $(PIP_Q) --require-hashes --no-deps -r requirements/tools.txt
	touch $@

# After changing dependencies in pyproject.toml: resolve again (keeping every pin that still fits) and export.
lock: $(UV)
	$(UV) lock
	$(UV_EXPORT) --all-extras -o requirements/dev.txt
	$(UV_EXPORT) -o requirements/runtime.txt
	$(UV_EXPORT) --only-group bootstrap -o requirements/bootstrap.txt
	$(UV_EXPORT) --only-group tools -o requirements/tools.txt

# CI: the lock matches pyproject.toml, and the exported files match the lock.
lock-check: $(UV)
	$(UV) lock --check
	@set -e; for f in dev:--all-extras runtime: bootstrap:"--only-group bootstrap" tools:"--only-group tools"; do \
	  name=$${f%%:*}; flags=$${f#*:}; \
	  $(UV_EXPORT) $$flags | diff -u requirements/$$name.txt - \
	    || { echo "requirements/$$name.txt is stale: run make lock" >&2; exit 1; }; \
	done

demo: setup
	$(BIN)/adloom run examples/restwave

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

# The report's screenshot tests drive Debian's chromium headless.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "the browser tests need chromium: sudo apt-get install chromium" >&2; exit 1; fi; }

test: lint browser
	$(BIN)/adloom policy test --min-coverage 100
	$(BIN)/pytest

test-pg: setup browser
	ADLOOM_TEST_DATABASE_URL=$(PG_URL) $(BIN)/pytest

docs: setup
	$(BIN)/python -m adloom.docsgen

bench: setup
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) $(TOOLS) out .adloom examples/*/.adloom
