# kinlink: `make report` and `make test` set everything up from a fresh clone.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SAMPLE := data/samples/bundle
REPORT := reports/sample

.PHONY: setup report test lint typecheck check evaluate sample golden lock dashboard browser neo4j-lint fuzz clean

setup: $(STAMP)

# Reinstall when the dependency declarations or the lock change.
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev,neo4j,falkordb,dashboard]'
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/kinlink report $(SAMPLE) --out $(REPORT)

evaluate: report
	$(BIN)/kinlink evaluate $(REPORT) --truth $(SAMPLE)/truth

# The end-to-end dashboard test drives Debian's Chromium; this installs it when it is missing
# (apt-get, as root or with sudo). Where it cannot, it says that test will be skipped; never fails.
browser:
	bash scripts/install-browser.sh

# Neo4j's own Cypher linter (npm, pinned by scripts/neo4j-lint/package-lock.json) for the test
# that checks every statement kinlink sends to Neo4j. Without npm it says that test is skipped.
neo4j-lint:
	bash scripts/install-neo4j-lint.sh

test: $(STAMP) browser neo4j-lint
	$(BIN)/python -m pytest

# Fuzz the loaders and the resolver with a large hypothesis budget (CI runs 20 examples; ~9 min).
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest tests/hostile/test_fuzz.py -p no:cacheprovider

dashboard: $(STAMP)
	$(BIN)/kinlink dashboard $(SAMPLE)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy kinlink loaders graph queries dashboard

check: lint typecheck test

# Regenerate the committed sample bundle (deterministic: same seed, same bytes).
sample: $(STAMP)
	$(BIN)/kinlink generate $(SAMPLE) --records 3000 --seed 2019

# Refresh the golden files of the sample report after a deliberate change; review the diff.
golden: report
	mkdir -p tests/golden/sample
	cp $(REPORT)/persons.csv $(REPORT)/families.csv $(REPORT)/separated_families.csv \
	   $(REPORT)/mixed_nationality_units.csv $(REPORT)/joint_reprocessing.csv \
	   $(REPORT)/rejects.csv tests/golden/sample/

# Re-pin every dependency from a clean virtualenv (needs the package registry).
lock:
	rm -rf .lockvenv && $(PYTHON) -m venv .lockvenv
	.lockvenv/bin/pip install --quiet '.[dev,neo4j,falkordb,dashboard,bench]'
	{ echo "# Pinned versions of every dependency (all extras), from a clean venv: make lock"; \
	  .lockvenv/bin/pip freeze --exclude kinlink; } > requirements.lock
	rm -rf .lockvenv

clean:
	rm -rf $(VENV) reports .pytest_cache .mypy_cache .ruff_cache scripts/neo4j-lint/node_modules
