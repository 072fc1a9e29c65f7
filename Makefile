# Two set-up commands: `make demo` runs scrutiny on the embedded default (SQLite),
# `make test` runs the whole test suite. Both create .venv and install what they need.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
LISTS ?= $(or $(SCRUTINY_LISTS_DIR),../shared/lists)
# Optional parts, installed one by one so that one missing system library does not cost the
# others: icu (best transliteration; needs libicu-dev and pkg-config), peers (nomenklatura and
# followthemoney, the systems scrutiny is measured against; need ICU too), spark (the
# distributed runner; needs Java 17+).
pip_extras = for extra in $(1); do \
	  $(BIN)/pip install -q -e ".[$$extra]" || echo "optional extra '$$extra' not installed"; \
	done

.PHONY: demo test install install-dev lint typecheck clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip wheel

install: $(BIN)/python
	$(BIN)/pip install -q -e .
	$(call pip_extras,icu)

install-dev: $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	$(call pip_extras,icu peers spark)

demo: install
	$(BIN)/scrutiny lists load --from $(LISTS)
	$(BIN)/scrutiny lists status
	$(BIN)/scrutiny screen "김정은"
	$(BIN)/scrutiny screen "Kim Jong-un" --dob 1984

lint: install-dev
	$(BIN)/ruff check src tests eval bench
	$(BIN)/ruff format --check src tests eval bench

typecheck: install-dev
	$(BIN)/mypy src

test: lint typecheck
	SCRUTINY_LISTS_DIR=$(LISTS) $(BIN)/pytest -q -n 2 tests

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
