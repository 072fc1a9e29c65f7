# Two set-up commands: `make demo` runs scrutiny on the embedded default (SQLite),
# `make test` runs the whole test suite. Both create .venv and install what they need.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
LISTS ?= $(or $(SCRUTINY_LISTS_DIR),../shared/lists)

.PHONY: install demo test lint typecheck clean

$(BIN)/scrutiny: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip wheel
	# ICU (best transliteration) needs libicu-dev; fall back to the pure-Python path without it.
	$(BIN)/pip install -q -e '.[icu,dev,peers]' || $(BIN)/pip install -q -e '.[dev]'
	touch $(BIN)/scrutiny

install: $(BIN)/scrutiny

demo: install
	$(BIN)/scrutiny lists load --from $(LISTS)/mirror
	$(BIN)/scrutiny lists status
	$(BIN)/scrutiny screen "김정은"
	$(BIN)/scrutiny screen "Kim Jong-un" --dob 1984

lint: install
	$(BIN)/ruff check src tests eval bench
	$(BIN)/ruff format --check src tests eval bench

typecheck: install
	$(BIN)/mypy src

test: install lint typecheck
	SCRUTINY_LISTS_DIR=$(LISTS) $(BIN)/pytest -q -n 2 tests

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
