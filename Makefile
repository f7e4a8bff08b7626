# Masthead task runner. `make demo` and `make test` are the two commands README.md starts with.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
PORT   ?= 8000
HOST   ?= 127.0.0.1
ARCHIVE ?= demo.db
EDITOR_PASSWORD ?= demo-editor

.PHONY: demo test lint format bench venv clean

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

## Build the archive from the bundled example corpus and serve it on http://$(HOST):$(PORT)
demo: venv
	$(BIN)/masthead ingest examples/corpus --archive $(ARCHIVE) || echo "Some files could not be read (reasons above); serving the rest."
	$(BIN)/masthead glossary import --starter --link --archive $(ARCHIVE)
	$(BIN)/masthead lexicon build --proofread --archive $(ARCHIVE)
	@printf '%s\n' "$(EDITOR_PASSWORD)" | $(BIN)/masthead user add editor --password-stdin --archive $(ARCHIVE) >/dev/null 2>&1 || true
	@echo "Editors: log in at http://$(HOST):$(PORT)/login as 'editor' with password '$(EDITOR_PASSWORD)' to review findings."
	$(BIN)/masthead serve --archive $(ARCHIVE) --host $(HOST) --port $(PORT)

## Run the whole test suite (lint included)
test: venv
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/python -m pytest -n 2 -q

lint: venv
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format: venv
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: venv
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/search_eval.py
	$(BIN)/python bench/search.py
	$(BIN)/python bench/build.py
	$(BIN)/python bench/entities_eval.py

clean:
	rm -rf $(VENV) demo.db demo.db-wal demo.db-shm demo.db.index demo.db.lexicon .pytest_cache .ruff_cache
