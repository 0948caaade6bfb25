# kinlink: `make report` and `make test` set everything up from a fresh clone.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SAMPLE := data/samples/bundle
REPORT := reports/sample

.PHONY: setup report test lint typecheck check evaluate sample clean

setup: $(STAMP)

# Reinstall when the dependency declarations or the lock change.
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev,neo4j,dashboard]'
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/kinlink report $(SAMPLE) --out $(REPORT)

evaluate: report
	$(BIN)/kinlink evaluate $(REPORT) --truth $(SAMPLE)/truth

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy kinlink loaders graph queries

check: lint typecheck test

# Regenerate the committed sample bundle (deterministic: same seed, same bytes).
sample: $(STAMP)
	$(BIN)/kinlink generate $(SAMPLE) --records 3000 --seed 2019

clean:
	rm -rf $(VENV) reports .pytest_cache .mypy_cache .ruff_cache
