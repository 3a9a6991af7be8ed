# Two commands on a fresh machine: `make demo` and `make test`. Both install what is missing first.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
BAOCAO := $(VENV)/bin/baocao
STAMP := $(VENV)/.installed
SHARED ?= ../shared
BUILD := build
DEMO_DB ?= $(BUILD)/demo.duckdb
DEMO_INPUTS := $(BUILD)/demo-inputs
RENDERS := $(BUILD)/renders
# Reports of corpus/ that the demo also ingests as scans (OCR takes seconds a page).
DEMO_SCANS := corpus/2024_ubnd_xa_ea_kenh_ntm.txt corpus/2021_ubnd_huyen_cho_moi_ccs.txt
DEMO_PHOTO := corpus/2023_vp_ubnd_tinh_thai_binh_cchc.txt

.PHONY: setup setup-doc system-deps demo test eval bench lint clean dump

setup: $(STAMP) system-deps

$(STAMP): pyproject.toml requirements.lock
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev,ray]'
	@touch $(STAMP)

system-deps:
	@bash scripts/system_deps.sh

# Legacy Word .doc files are read through LibreOffice, which is large: installed only when asked.
setup-doc: setup
	@command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1 || \
	  { if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	      apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	        --no-install-recommends libreoffice-writer >/dev/null; \
	    else echo "run: sudo apt-get install libreoffice-writer (needed for .doc files only)"; fi; }

# The demo ingests every kind of input: corpus/ as written (text, Markdown), and renderings of it as
# text-layer PDFs and DOCX, scanned PDFs and a photographed page (both read by Tesseract).
demo: setup $(DEMO_INPUTS)/.done
	$(BAOCAO) ingest corpus/ $(DEMO_INPUTS) --db $(DEMO_DB); status=$$?; \
	  PAGER=cat $(BAOCAO) mismatches --db $(DEMO_DB) --limit 10; exit $$status

$(DEMO_INPUTS)/.done: $(wildcard corpus/*.txt corpus/*.md)
	$(BAOCAO) render corpus/ --out $(DEMO_INPUTS)/office --levels ""
	for f in $(DEMO_SCANS); do $(BAOCAO) render $$f --out $(DEMO_INPUTS)/scans --levels mild --no-docx || exit 1; done
	$(BAOCAO) render $(DEMO_PHOTO) --out $(DEMO_INPUTS)/photo --levels "" --png clean --no-docx
	@touch $@

test: setup
	$(VENV)/bin/pytest

# One table: corpus/ against its own gold, its renderings (text-layer PDF, DOCX, scans at three levels,
# read back through the loaders and Tesseract) against the same gold, the seeds and each ../shared/dev set.
eval: setup $(RENDERS)/renders.json
	@PATH=$(VENV)/bin:$$PATH $(PY) scripts/score_sets.py --shared $(SHARED) --renders $(RENDERS) --build $(BUILD)
	@echo "per-document misses: $(BAOCAO) eval --db $(BUILD)/eval-SET.duckdb --gold GOLD -v"

$(RENDERS)/renders.json: $(wildcard corpus/*.txt corpus/*.md) $(wildcard pipeline/devtools/render/*.py)
	$(BAOCAO) render corpus/ --out $(RENDERS)

bench: setup $(RENDERS)/renders.json
	$(PY) scripts/bench.py
	$(PY) scripts/bench_ray.py $(BUILD)/bench-1000  # the same 1,000 reports bench.py made
	@if command -v tesseract >/dev/null; then \
	  echo "== OCR of rendered corpus pages (CER, numeric tokens, pages/min, workers, raw tesseract)"; \
	  $(PY) scripts/bench_ocr.py --renders $(RENDERS) --pages 8 --workers 2 --raw; \
	else echo "tesseract not installed: OCR benchmark skipped"; fi

# Before/after proof of a refactor: every table of every evaluation set, sorted and timestamp-free.
# `make dump DUMP=/tmp/before`, change the code, `make dump DUMP=/tmp/after`, `diff -r /tmp/before /tmp/after`.
# DUMP_SETS=text leaves out the renderings (their OCR takes minutes).
DUMP ?= $(BUILD)/dump
DUMP_SETS ?= all
dump: setup $(RENDERS)/renders.json
	@rm -rf $(DUMP) && mkdir -p $(DUMP)/db
	@sets="corpus=corpus"; \
	  [ "$(DUMP_SETS)" = all ] && sets="$$sets renders=$(RENDERS)"; \
	  [ -d $(SHARED)/seeds ] && sets="$$sets seeds=$(SHARED)/seeds"; \
	  for d in $(SHARED)/dev/*/docs; do [ -d $$d ] && sets="$$sets $$(basename $$(dirname $$d))=$$d"; done; \
	  for s in $$sets; do name=$${s%%=*}; src=$${s#*=}; \
	    $(BAOCAO) ingest $$src --db $(DUMP)/db/$$name.duckdb --quiet >/dev/null 2>&1; \
	    echo "$$name: $$($(PY) scripts/dump_tables.py $(DUMP)/db/$$name.duckdb --out $(DUMP)/$$name)"; done

lint: setup
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(BUILD) .pytest_cache .ruff_cache
