# One command surface for people and CI alike (.ci/run calls these targets).
PY      ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
WORKDIR ?= .juki

.PHONY: install run test lint bench clean

$(BIN)/juki: pyproject.toml constraints.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[test,dev]'
	touch $@

install: $(BIN)/juki

# The main job on the bundled sample data: parse every day's 住民基本台帳ファイル.
run: install
	for f in sample_data/juki_daicho_*.dat; do $(BIN)/juki parse $$f --layout juki_daicho --out $(WORKDIR)/$$(basename $$f .dat).parquet || exit $$?; done

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .

bench: install
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) $(WORKDIR) .pytest_cache .hypothesis
