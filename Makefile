# The targets the README names. Each bootstraps .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint openapi examples check-migrations clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/alembic upgrade head
	$(BIN)/gracious bootstrap --host $(HOST) --port $(PORT)
	@echo "Gracious is starting: docs at http://$(HOST):$(PORT)/docs"
	$(BIN)/gracious serve --host $(HOST) --port $(PORT)

# Four workers on two cores: the live-server, worker and webhook tests mostly wait on I/O
# (timeouts, receivers, restarts), so two more keep the cores busy meanwhile.
test: $(STAMP)
	$(BIN)/pytest -n 4

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

openapi: $(STAMP)
	$(BIN)/python -m scripts.export_openapi

examples: $(STAMP)
	$(BIN)/python -m scripts.examples

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

check-migrations: $(STAMP)
	$(BIN)/python -m scripts.check_migrations

# Performance and long reliability runs (issue 5); docs/performance.md explains the figures.
# `make bench` is the full run (~25 min); BENCH_QUICK=1 takes about 8 minutes, and every size
# has a BENCH_* variable (e.g. BENCH_DATABASES=sqlite BENCH_LARGE_ROWS=100000).
# BENCH_ARGS="--update-doc docs/performance.md" records the table in the docs.
.PHONY: bench profile soak

bench: $(STAMP)
	BENCH_COMMAND="make bench" $(BIN)/python -m scripts.bench $(BENCH_ARGS)

profile: $(STAMP)
	$(BIN)/python -m scripts.bench.profile $(PROFILE_ARGS)

soak: $(STAMP)
	GRACIOUS_SOAK=1 \
	TEST_DATABASE_URL="$${TEST_DATABASE_URL:-postgresql+asyncpg://postgres@127.0.0.1:5432/test}" \
	$(BIN)/pytest tests/reliability
