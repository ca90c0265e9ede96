# Two commands: `make run` and `make test`. Each sets up .venv when missing or stale.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint typecheck imports pytest bench chaos chaos-small clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The supervisor edits holdless.toml (not tracked); it starts as a copy of the example.
# Without Twilio credentials the simulated carrier sends a caller a minute (TRAFFIC=0: none).
TRAFFIC ?= 1
run: $(STAMP)
	test -f holdless.toml || cp holdless.example.toml holdless.toml
	HOLDLESS_SIMULATED_TRAFFIC_PER_MINUTE=$${HOLDLESS_SIMULATED_TRAFFIC_PER_MINUTE:-$(TRAFFIC)} \
		$(BIN)/holdless serve

test: lint typecheck imports pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

imports: $(STAMP)
	$(BIN)/lint-imports

pytest: $(STAMP)
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python -m bench

# Fault injection: real instances, a stand-in Twilio, kills and crashes (README, "Fault injection").
chaos: $(STAMP)
	$(BIN)/python -m chaos

chaos-small: $(STAMP)
	$(BIN)/python -m chaos --small

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
