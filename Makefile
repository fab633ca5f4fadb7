# cspr-docs: `make demo` and `make test` work on a fresh machine with only python3.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
CASE ?= fixtures/cases/notification-death/case.yaml

.PHONY: demo test lint clean

$(BIN)/cspr-docs: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

demo: $(BIN)/cspr-docs
	$(BIN)/cspr-docs case check $(CASE)
	$(BIN)/cspr-docs timeline $(CASE) --today 2026-01-12
	$(BIN)/cspr-docs render --all --case $(CASE) --out out/ --force

test: $(BIN)/cspr-docs
	$(BIN)/python -m pytest -n auto -q

lint: $(BIN)/cspr-docs
	$(BIN)/ruff check src tests bench

clean:
	rm -rf $(VENV) out .pytest_cache
