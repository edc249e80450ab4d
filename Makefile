# The usual loops. Everything runs from the project's own venv (.venv), made by `make venv`.
PY := .venv/bin/python

.PHONY: venv test lint fix typecheck contracts check run bench-ui bench-refresh bench-stall bench-extract bench-extract-eval

venv:
	python3 -m venv .venv && $(PY) -m pip install -q --upgrade pip && $(PY) -m pip install -q -e ".[test]"

test:
	$(PY) -m pytest

lint:
	.venv/bin/ruff check src tests bench
	.venv/bin/ruff format --check src tests bench

fix:
	.venv/bin/ruff check --fix src tests bench
	.venv/bin/ruff format src tests bench

typecheck:
	.venv/bin/mypy

contracts:
	.venv/bin/lint-imports

# What CI runs, minus the set-up.
check: test lint typecheck contracts

run:
	.venv/bin/tui-reader

bench-ui:
	$(PY) bench/ui_bench.py

bench-refresh:
	$(PY) bench/refresh_bench.py

bench-stall:
	$(PY) -m bench.stall_bench

bench-extract:
	$(PY) bench/extract_bench.py

# needs the bench extras: $(PY) -m pip install -e ".[test,bench]"
bench-extract-eval:
	nice -n 10 $(PY) bench/extract_eval.py
