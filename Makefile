# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck unit bench clean test-spark

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/rules eval examples/profiles/* --year 2023 --as-of 2023-11-30 --explain summary
	$(BIN)/rules eval examples/profiles/* --year 2025 --as-of 2025-11-30 --explain summary

lint: $(STAMP)
	$(BIN)/ruff check dsl engine tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest

test: lint typecheck unit

bench: $(STAMP)
	$(BIN)/python bench/run.py

# The Spark agreement test needs the optional `spark` extra (PySpark, a large download) and Java.
test-spark: $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev,spark]'
	$(BIN)/pytest tests/sql/test_spark.py -rs

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache site
