# basecamp-python: every developer and CI task. `make help` lists them.
# Needs only Python 3.11+ and make: uv is installed into .tools/ when it is not on PATH.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS_DIR := .tools
UV := $(shell command -v uv 2>/dev/null || echo $(TOOLS_DIR)/uv/bin/uv)
# Never download interpreters: use the machine's Python 3.11+.
export UV_PYTHON_DOWNLOADS := never
# Trust the machine's certificate store (corporate proxies, custom CAs), as pip does.
export UV_SYSTEM_CERTS ?= 1
export UV_PYTHON ?= $(shell $(PYTHON) -c 'import sys; print(sys.executable)')
RUN := $(UV) run --locked
PY_SRC := packages/basecamp-core/src packages/basecamp-oauth/src packages/basecamp-webhooks/src packages/basecamp-services/src packages/basecamp-testing/src
PYTEST := $(RUN) pytest -q -p no:cacheprovider

.PHONY: help
help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_-]+:.*## / {printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(TOOLS_DIR)/uv/bin/uv:
	@echo "uv not found on PATH: installing uv $(UV_VERSION) into $(TOOLS_DIR)/uv"
	$(PYTHON) -m venv $(TOOLS_DIR)/uv
	$(TOOLS_DIR)/uv/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

.PHONY: uv
uv: $(UV) ## Install uv locally if it is missing

.PHONY: sync
sync: uv ## Create .venv with every package (editable) and the dev tools
	$(UV) sync --locked --all-packages

.PHONY: lock
lock: uv ## Refresh uv.lock after changing dependencies
	$(UV) lock

.PHONY: demo
demo: sync ## Run the quick start against the embedded fake Basecamp
	$(RUN) python examples/demo.py

# unasync runs first: the generator reads the sync twins of the services' extension mixins.
.PHONY: generate
generate: sync ## Regenerate services, models, the registry and the sync twins from their sources
	$(RUN) python tools/unasync.py
	$(RUN) python tools/generate.py

.PHONY: check-generated
check-generated: sync ## Fail when generated code is out of date
	$(RUN) python tools/unasync.py --check
	$(RUN) python tools/generate.py --check

.PHONY: format
format: sync ## Format and auto-fix the code
	$(RUN) ruff format .
	$(RUN) ruff check --fix .

.PHONY: lint
lint: sync ## ruff lint and format check
	$(RUN) ruff check .
	$(RUN) ruff format --check .

.PHONY: typecheck
typecheck: sync ## mypy --strict over every package's src (generated code included)
	$(RUN) mypy $(wildcard $(PY_SRC))

.PHONY: test-unit
test-unit: sync ## pytest for every package, the tools and the docs, in the workspace environment
	$(PYTEST) $(wildcard packages/*/tests tools/tests tests)

# The webhooks tests' own tools, and the frameworks its README recipes are tested in (test-only:
# the package imports none of them). The Redis store is tested in a second environment that adds
# the `redis` extra; the first proves the client is absent without it. The typing test needs mypy,
# which these environments leave out on purpose: it runs in test-unit instead.
WEBHOOKS_ISOLATED_SKIP := --ignore=packages/basecamp-webhooks/tests/test_webhooks_typing.py
WEBHOOKS_TEST_DEPS := --with pytest --with pytest-asyncio --with hypothesis \
	--with starlette --with fastapi --with uvicorn --with flask --with django --with waitress

.PHONY: test-isolated
test-isolated: uv ## webhooks and oauth tests in environments with only that package installed
	UV_PROJECT_ENVIRONMENT=.venvs/webhooks $(UV) run --locked --exact --no-dev --package basecamp-webhooks \
		$(WEBHOOKS_TEST_DEPS) \
		python tools/assert_absent.py httpx redis basecamp.services basecamp.oauth basecamp._errors
	UV_PROJECT_ENVIRONMENT=.venvs/webhooks $(UV) run --locked --exact --no-dev --package basecamp-webhooks \
		$(WEBHOOKS_TEST_DEPS) \
		pytest -q -p no:cacheprovider -m "not redis" $(WEBHOOKS_ISOLATED_SKIP) packages/basecamp-webhooks/tests
	UV_PROJECT_ENVIRONMENT=.venvs/webhooks-redis $(UV) run --locked --exact --no-dev --package basecamp-webhooks \
		--extra redis $(WEBHOOKS_TEST_DEPS) \
		python tools/assert_absent.py httpx basecamp.services basecamp.oauth basecamp._errors
	UV_PROJECT_ENVIRONMENT=.venvs/webhooks-redis $(UV) run --locked --exact --no-dev --package basecamp-webhooks \
		--extra redis $(WEBHOOKS_TEST_DEPS) \
		pytest -q -p no:cacheprovider -m redis $(WEBHOOKS_ISOLATED_SKIP) packages/basecamp-webhooks/tests
	UV_PROJECT_ENVIRONMENT=.venvs/oauth $(UV) run --locked --exact --no-dev --package basecamp-oauth \
		python tools/assert_absent.py basecamp.services basecamp.webhooks respx
	UV_PROJECT_ENVIRONMENT=.venvs/oauth $(UV) run --locked --exact --no-dev --package basecamp-oauth \
		--with pytest --with pytest-asyncio --with respx --with hypothesis \
		pytest -q -p no:cacheprovider packages/basecamp-oauth/tests

.PHONY: check-versions
check-versions: ## Fail unless every package, pin and __version__ agree
	$(PYTHON) tools/versions.py check

.PHONY: check-imports
check-imports: ## Fail when a module in the packages' src imports another that imports it back
	$(PYTHON) tools/check_imports.py

.PHONY: bump
bump: ## Set every package to VERSION=x.y.z, then refresh the lock
	$(PYTHON) tools/versions.py bump $(VERSION)
	$(MAKE) lock

.PHONY: wheels
wheels: uv ## Build every wheel into dist/
	rm -rf dist
	$(UV) build --all-packages --no-sources --wheel --out-dir dist --quiet

.PHONY: check-wheels
check-wheels: wheels ## Build every wheel; check contents, dependencies, the install matrix and py.typed
	$(PYTHON) tools/check_dist.py dist

.PHONY: check-typing
check-typing: sync wheels ## Type-check tests/typing and every README example against the wheels (mypy, Pyright); --verifytypes
	$(RUN) python tools/check_typing.py dist

.PHONY: bench-smoke
bench-smoke: sync ## A 10-second run of the benchmark harness, so it keeps working
	$(RUN) python -m benchmarks --smoke

.PHONY: bench
bench: sync ## Run the performance benchmarks (prints a table, writes benchmarks/results/latest.json)
	$(RUN) python -m benchmarks

.PHONY: typing-view
typing-view: ## Build .typing/basecamp, a merged symlink view of the namespace for Pyright
	$(PYTHON) tools/typing_view.py

.PHONY: test
test: ## The full gate (what CI runs)
	$(MAKE) lint
	$(MAKE) typecheck
	$(MAKE) check-versions
	$(MAKE) check-imports
	$(MAKE) check-generated
	$(MAKE) test-unit
	$(MAKE) test-isolated
	$(MAKE) check-wheels
	$(MAKE) check-typing
	$(MAKE) bench-smoke
	@echo "make test: all checks passed"

.PHONY: clean
clean: ## Remove build output, caches and local environments
	rm -rf dist .venv .venvs .typing .mypy_cache .ruff_cache .pytest_cache
