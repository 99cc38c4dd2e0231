# Two commands matter: `make site` (set up + build the example site) and `make check` (the tests).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NODE   := tests/.node
NODE_STAMP := $(NODE)/node_modules/.installed

.PHONY: site check test lint bench calibration serve clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

# Test-only web tools (Nu HTML checker, axe-core) from npm; no install scripts: vnu-jar's
# would download a Java runtime, and the system's Java is used instead.
$(NODE_STAMP): $(NODE)/package.json $(NODE)/package-lock.json
	cd $(NODE) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

site: $(STAMP)
	$(BIN)/goalpath build

# The test command (README.md, .ci/run): formatting, lint, types (mypy strict over
# generator/, pyproject.toml [tool.mypy]) and the whole suite.
check: lint $(NODE_STAMP)
	$(BIN)/python -m pytest -q

test: check

lint: $(STAMP)
	$(BIN)/ruff format --check generator tests
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

calibration: $(STAMP)
	$(BIN)/python benchmarks/calibration.py

serve: $(STAMP)
	$(BIN)/goalpath serve

clean:
	rm -rf build .goalpath-cache $(NODE)/node_modules
