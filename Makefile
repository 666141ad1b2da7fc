# One command surface for people and CI alike (.ci/run calls these targets).
PY      ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
WORKDIR ?= .juki

.PHONY: install run serve deploy system-deps test lint screenshots bench clean

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

# Go live on this machine: Prefect server + UI, the `juki` work pool, the deployments of prefect.yaml and a worker.
# Ctrl-C stops them. Without JUKI_INBOX / JUKI_WORKDIR set, the runs read the bundled sample and keep their state in
# $(WORKDIR)/live. The UI is on http://127.0.0.1:$(PORT).
PORT ?= 4200
serve: install
	JUKI_INBOX="$${JUKI_INBOX:-$(CURDIR)/sample_data}" JUKI_WORKDIR="$${JUKI_WORKDIR:-$(CURDIR)/$(WORKDIR)/live}" \
	    $(BIN)/juki serve --port $(PORT)

# Production: apply prefect.yaml to the server of PREFECT_API_URL (creates the `juki` work pool if missing).
deploy: install
	$(BIN)/juki deploy

# The suite needs sshd, chromium and a Japanese font: installed when missing and root, else named (.ci/system-deps).
system-deps:
	@.ci/system-deps

test: install system-deps
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .

# docs/screenshots/*.png: every report, rendered in headless chromium from a demo city.
screenshots: install system-deps
	$(BIN)/python docs/make_screenshots.py

# Every benchmark, then benchmarks/RESULTS.md and docs/SCALE.md from their JSON. BEFORE: the commit whose CLI the
# codec figures are compared with in the same run (the last one before the compiled codec).
BEFORE ?= 45000d7
bench: install
	$(BIN)/pip install -q -c constraints.txt -e '.[bench]'
	$(BIN)/python benchmarks/run.py --before $(BEFORE)

clean:
	rm -rf $(VENV) $(WORKDIR) .pytest_cache .hypothesis
