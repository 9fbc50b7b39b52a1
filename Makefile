# The two promises to a new user: `make run` serves on the embedded default, `make test` passes.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)

.PHONY: run test lint i18n worker chat clean lock

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

run: $(STAMP)
	$(BIN)/prottasha db upgrade
	$(BIN)/prottasha nlu train
	$(BIN)/prottasha serve

# In parallel, one worker per core (pytest-xdist); TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= auto
test: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy api bot nlu referral
	$(BIN)/prottasha content check

worker: $(STAMP)
	$(BIN)/prottasha worker

chat: $(STAMP)
	$(BIN)/prottasha chat

# Extract UI strings and merge them into the catalogs (then translate the new ones).
i18n: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg --no-default-keywords -k N_ --no-location --sort-output \
	  --project=prottasha -o bot/locale/messages.pot bot api
	$(BIN)/pybabel update -i bot/locale/messages.pot -d bot/locale --width 100 --ignore-obsolete --no-fuzzy-matching

# Upgrade every package within pyproject.toml's ranges and record the versions (then make test).
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet --upgrade -e '.[dev]'
	{ sed -n '1,3p' constraints.txt; $(BIN)/python -m pip freeze --exclude-editable; } > constraints.txt.new
	mv constraints.txt.new constraints.txt

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
