# Two commands for a fresh machine: `make run` and `make test` (see README.md).
VENV ?= .venv
PY := $(VENV)/bin/python
ST := $(VENV)/bin/storytrace
STAMP := $(VENV)/.installed-stamp
DB ?= storytrace.db
SEED_A := data/seeds/000_d334923fdb2bdcfa.txt
SEED_B := data/seeds/001_7e7a81b451b61ef5.txt

.PHONY: setup run test browser bench docs semantic clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

## The main job: index the bundled sample (seeds + Wikinews), list its stories, compare the seeds.
run: setup
	$(ST) scan data/seeds data/wikinews-sample --db $(DB)
	$(ST) stories --db $(DB) --limit 10
	$(ST) compare $(SEED_A) $(SEED_B)
	@echo "Browse it: $(ST) serve --db $(DB)   (then open http://127.0.0.1:8000)"

browser:
	bash scripts/install_browser.sh

test: setup browser
	$(PY) -m pytest -q

bench: setup
	$(PY) bench/run.py

## Optional sentence embeddings (storytrace.semantic): torch's CPU build first, else pip fetches a CUDA build.
semantic: setup
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[semantic]'

docs: setup browser
	$(PY) scripts/make_quality_doc.py
	$(PY) scripts/make_cli_reference.py
	STORYTRACE_UPDATE_SCREENSHOT=1 $(PY) -m pytest -q tests/test_ui_story.py -k highlights

clean:
	rm -rf $(VENV) $(DB) $(DB)-wal $(DB)-shm .pytest_cache
