# Two commands on a fresh machine: `make demo` and `make test`. Both install what is missing first.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
BAOCAO := $(VENV)/bin/baocao
STAMP := $(VENV)/.installed
SHARED ?= ../shared
BUILD := build
DEMO_DB ?= $(BUILD)/demo.duckdb

.PHONY: setup system-deps demo test eval bench lint clean

setup: $(STAMP) system-deps

$(STAMP): pyproject.toml requirements.lock
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	@touch $(STAMP)

system-deps:
	@bash scripts/system_deps.sh

demo: setup
	@mkdir -p $(BUILD)
	$(BAOCAO) ingest corpus/ --db $(DEMO_DB); status=$$?; \
	  $(BAOCAO) mismatches --db $(DEMO_DB); exit $$status

test: setup
	$(VENV)/bin/pytest

eval: setup
	@mkdir -p $(BUILD)
	@rm -f $(BUILD)/eval-corpus.duckdb $(BUILD)/eval-seeds.duckdb
	$(BAOCAO) ingest corpus/ --db $(BUILD)/eval-corpus.duckdb --quiet
	@echo "== corpus/ against its own gold"
	$(BAOCAO) eval --db $(BUILD)/eval-corpus.duckdb --gold corpus/
	@if [ -d $(SHARED)/seeds ]; then \
	  $(BAOCAO) ingest $(SHARED)/seeds --db $(BUILD)/eval-seeds.duckdb --quiet && \
	  echo "== $(SHARED)/seeds against $(SHARED)/gold" && \
	  $(BAOCAO) eval --db $(BUILD)/eval-seeds.duckdb --gold $(SHARED)/gold; \
	else echo "$(SHARED)/seeds not present: seed evaluation skipped"; fi

bench: setup
	$(PY) scripts/bench.py

lint: setup
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(BUILD) .pytest_cache .ruff_cache
