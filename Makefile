# Two commands on a machine that has only python3: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INPUT ?= raw
OUTPUT ?= output

.PHONY: install install-dev run test lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files so a second `make run` does not reinstall.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

run: install
	$(BIN)/python -m pipeline run $(INPUT) --out $(OUTPUT)

# Lint first (ruff's default rules and the line length); pytest exits 5 when it collected no
# test: a run without tests is a failure.
test: install-dev
	$(BIN)/ruff check pipeline flows tests
	@$(BIN)/python -m pytest; status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; exit $$status

lint: install-dev
	$(BIN)/ruff check pipeline flows tests

clean:
	rm -rf $(VENV) $(OUTPUT) .pytest_cache
