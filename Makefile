# make run  — set up .venv, convert samples/ into out/
# make test — set up .venv, run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test test-all bench lint system-deps clean

install: $(STAMP) system-deps

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# LibreOffice converts legacy .doc/RTF/HTML; installed when missing and root.
system-deps:
	@sh tools/ensure-libreoffice.sh

run: install
	$(BIN)/jixiao extract samples -o out

# CI's suite: everything but the few tests marked slow (whole scanned reports through OCR, minutes each on
# 2 cores), which `make test-all` adds.
test: install
	JIXIAO_NO_SKIPS=1 $(BIN)/python -m pytest -q -m "not slow"

test-all: install
	JIXIAO_NO_SKIPS=1 $(BIN)/python -m pytest -q

bench: install
	$(BIN)/python tools/bench.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf out bench-out .pytest_cache
