# One command surface for people and CI alike (.ci/run calls these targets).
PY      ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
WORKDIR ?= .juki

.PHONY: install run test lint bench clean

$(BIN)/juki: pyproject.toml constraints.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[test,dev,remote,dask]'
	touch $@

install: $(BIN)/juki

# The main job on the bundled sample: the nightly run for day 0 (the baseline) then day 1, in a fresh workdir.
DEMO := $(WORKDIR)/sample
run: install
	rm -rf $(DEMO)
	$(BIN)/juki nightly --input sample_data/juki_daicho_20260401.dat --date 2026-04-01 --workdir $(DEMO)
	$(BIN)/juki nightly --input sample_data/juki_daicho_20260402.dat --date 2026-04-02 --workdir $(DEMO)

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .

bench: install
	$(BIN)/pip install -q -c constraints.txt -e '.[bench]'
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) $(WORKDIR) .pytest_cache .hypothesis
