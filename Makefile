# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck unit docs docs-serve bench clean test-spark

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# The spark extra (PySpark, a large download) is part of the set-up: `make test` runs the SQL on Spark too.
	$(BIN)/pip install --quiet -e '.[dev,spark]'
	# An editable install leaves the project's modules uncompiled; compile them now rather than on each command
	# (where writing bytecode is turned off, every `rules` command would compile them again).
	$(BIN)/python -m compileall -q dsl engine rules > /dev/null
	touch $(STAMP)

# The example profiles under the rulebook in force today (what every command applies by default), then under 2025.
demo: $(STAMP)
	$(BIN)/rules eval examples/profiles/*
	$(BIN)/rules eval examples/profiles/* --year 2025 --as-of 2025-11-30 --explain summary

lint: $(STAMP)
	$(BIN)/ruff check dsl engine tests bench docs

typecheck: $(STAMP)
	$(BIN)/mypy
	$(BIN)/mypy docs/hooks.py
	# The benchmarks call the engine's API: checked too, so that a change of it cannot leave one broken.
	$(BIN)/mypy bench

# Every test but Spark's, which `test-spark` runs (its time is Spark's planning, on one core: `test` runs it beside).
unit: $(STAMP)
	$(BIN)/pytest --ignore=tests/sql/test_spark.py

# The website, generated from the rule files at build time (docs/hooks.py); nothing generated is committed.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

docs-serve: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve

# Two parts at a time (the machine class has two cores; Spark plans on one), each part's output shown whole.
test: $(STAMP)
	$(MAKE) --jobs=2 --output-sync=target lint typecheck unit test-spark docs

bench: $(STAMP)
	$(BIN)/python bench/run.py

# The SQL on Spark against the evaluator (part of `make test`); skipped, saying why, only when Java is absent.
test-spark: $(STAMP)
	$(BIN)/pytest tests/sql/test_spark.py -rs

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache site
