# Electronics Watch Platform. `make run` runs it, `make test` tests it; nothing else to install.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
STAMP := $(VENV)/.installed-stamp
UV_VERSION := 0.13.8
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_NO_MANAGED_PYTHON := 1

.DEFAULT_GOAL := help
.PHONY: help install run test checks lint format messages seed clean fuzz-api bench bench-http

help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml uv.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@test -x $(UV) || ($(PY) -m ensurepip --upgrade >/dev/null && $(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION))
	$(UV) sync --frozen --python $(PY)
	@touch $(STAMP)

install: $(STAMP) ## Create .venv and install the locked dependencies

run: install ## Run web, Celery worker and beat with demo data on http://127.0.0.1:8000
	$(PY) -m config.devservers run

# The suite runs in TEST_JOBS processes (pytest-xdist; one per CPU, at most 8), each with its
# own test database and Redis databases (config/settings_test.py). `--dist load`, not loadfile:
# each process runs its share in pytest-django's order (plain database tests first, then those
# that truncate every table, live_server's), so no test finds the migrations' reference data
# flushed by another file's live_server test. With PYTEST_ARGS (a targeted run) it runs in one
# process unless TEST_JOBS is given; `-n N` in PYTEST_ARGS wins as well.
TEST_JOBS ?= $(if $(PYTEST_ARGS),0,$(shell n=$$(nproc 2>/dev/null || echo 1); [ $$n -gt 8 ] && n=8; echo $$n))
XDIST := $(if $(filter-out 0,$(TEST_JOBS)),-n $(TEST_JOBS) --dist load,-n 0)

test: install ## Run checks and the whole suite on every CPU; PYTEST_ARGS="tests/x.py": one process (TEST_JOBS=N for N)
	$(PY) -m config.devservers exec --redis test -- $(MAKE) --no-print-directory checks

FUZZ_EXAMPLES ?= 60
fuzz-api: install ## Schemathesis over the whole API as each role, with more examples (FUZZ_EXAMPLES=60)
	EW_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m config.devservers exec --redis test -- \
	  $(PY) -m pytest -q -p no:warnings tests/platform/test_api_fuzz.py $(PYTEST_ARGS)

checks: # (inside `make test`, with the servers up)
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports --no-cache
	EW_ENV=production DJANGO_ALLOWED_HOSTS=ewatch.example \
	  DJANGO_SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	  EW_ENCRYPTION_KEYS="$$($(PY) -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
	  $(PY) manage.py check --deploy --fail-level WARNING
	$(PY) -m pytest $(XDIST) $(PYTEST_ARGS)

# The benchmark suite (benchmarks/README.md): a scratch database `<name>_bench` filled with
# `seed_demo --scale $(BENCH_SCALE)`, reused while it holds that scale (BENCH_FRESH=1: a new one).
BENCH_SCALE ?= 300
BENCH_ARGS ?=
BENCH := $(PY) -m config.devservers exec --redis bench -- $(PY) benchmarks/bench.py \
  --scale $(BENCH_SCALE) $(if $(BENCH_FRESH),--fresh)
bench: install ## Measure every daily page, API list and job with floors (BENCH_SCALE=30: quick)
	$(BENCH) $(BENCH_ARGS)

bench-http: install ## Load-test the dashboard through gunicorn, default and other worker counts
	$(BENCH) --http-only --variants $(BENCH_ARGS)

lint: install ## Check style with ruff and the layers of the apps with import-linter
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install ## Reformat with ruff
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: install ## Update the French translation catalogue and compile it
	$(PY) manage.py makemessages -l fr --no-obsolete --ignore=.venv --ignore=.local --ignore=tests --ignore=benchmarks
	$(PY) manage.py compilemessages --ignore=.venv

clean: ## Remove the virtualenv and the local data (database, Redis, mail)
	rm -rf $(VENV) .local
