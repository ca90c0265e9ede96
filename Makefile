# Two commands: `make run` and `make test`. Each sets up .venv when missing or stale; `make
# test` also installs the Debian packages its tests drive (devtools/system-packages.sh).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test system lint typecheck imports pytest bench chaos chaos-small clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The supervisor edits holdless.toml (not tracked); it starts as the demo config: the
# example with every queue open round the clock (README, "Quickstart"), so the demo is
# alive at any hour. The simulated carrier plays Twilio and a demo day's callers and web
# visitors, about TRAFFIC a minute (0: none); HOLDLESS_CARRIER=twilio make run uses the real
# one with the credentials in the environment.
TRAFFIC ?= 1
run: $(STAMP)
	test -f holdless.toml || $(BIN)/holdless config demo holdless.example.toml --out holdless.toml
	HOLDLESS_CARRIER=$${HOLDLESS_CARRIER:-simulated} \
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

# Chromium, the PostgreSQL server and systemd-analyze, from Debian's packages when missing.
system:
	bash devtools/system-packages.sh

# The coverage gate (callback/ and ivr/, floor in pyproject.toml) rides on the one run.
pytest: $(STAMP) system
	$(BIN)/pytest --cov --cov-report=term:skip-covered

bench: $(STAMP)
	$(BIN)/python -m bench

# Fault injection: real instances, a stand-in Twilio, kills and crashes (README, "Fault injection").
chaos: $(STAMP)
	$(BIN)/python -m chaos

chaos-small: $(STAMP)
	$(BIN)/python -m chaos --small

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
