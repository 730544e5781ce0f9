# Two commands do everything on a fresh machine (see README):
#   make workshop   start the workshop apps (Voila on 127.0.0.1; ROOM=1 opens them to the room)
#   make test       run the whole test suite
# Both create .venv and install what they need first; re-running skips what is already done.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# The trust game's test oracle (axelrod) lives apart: its dependencies would weigh on every kernel.
ORACLE := .venv-oracle
PORT   ?= 8866
# ROOM=1: listen on the network behind a join link (pcn-workbook serve --room); ARGS: more flags,
# e.g. make workshop ROOM=1 ARGS="--pool 02_autonomy_paradox=10"
ROOM   ?=
ARGS   ?=
# -n 2: the CI machine has two cores; browser tests each start their own Voila server.
# --dist loadfile: a notebook's cells share one kernel, so each file must stay on one worker.
PYTEST_ARGS ?= -n 2 --dist loadfile

.PHONY: workshop test book bench handouts chromium postgresql poppler clean

workshop: $(VENV)/.installed
	$(BIN)/pcn-workbook serve --port $(PORT) $(if $(ROOM),--room) $(ARGS)

test: $(VENV)/.installed-test $(ORACLE)/.installed chromium postgresql poppler
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m pytest $(PYTEST_ARGS) \
	    --nbval-lax --nbval-current-env tests notebooks benchmarks/baseline.ipynb benchmarks/reference/output_pattern.ipynb

book: $(VENV)/.installed-test
	$(BIN)/pcn-workbook book

bench: $(VENV)/.installed-test chromium
	$(BIN)/pcn-workbook bench

# Printable PDFs for a workshop's tables (summaries, session plans, chapters) in _build/handouts.
handouts: book chromium poppler
	$(BIN)/python book/print_handouts.py

# uv installs the stack in seconds; fall back to venv + pip where it cannot be had.
$(VENV)/bin/python:
	($(PYTHON) -m pip install --quiet --disable-pip-version-check uv 2>/dev/null && \
	  $(PYTHON) -m uv venv --quiet -p $(PYTHON) $(VENV)) || $(PYTHON) -m venv $(VENV)

define install
	if $(PYTHON) -m uv --version >/dev/null 2>&1; then \
	  $(PYTHON) -m uv pip install --quiet -p $(BIN)/python -e "$(1)"; \
	else $(BIN)/python -m pip install --quiet -e "$(1)"; fi
endef

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(call install,.)
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(call install,.[test])
	touch $(VENV)/.installed $@

$(ORACLE)/.installed: tests/oracle/requirements.txt
	if $(PYTHON) -m uv --version >/dev/null 2>&1; then \
	  $(PYTHON) -m uv venv --quiet --allow-existing -p $(PYTHON) $(ORACLE) && \
	  $(PYTHON) -m uv pip install --quiet -p $(ORACLE)/bin/python -r $<; \
	else $(PYTHON) -m venv $(ORACLE) && $(ORACLE)/bin/python -m pip install --quiet -r $<; fi
	touch $@

# Browser tests drive Debian's Chromium: Playwright's own browser download cannot work here.
chromium:
	@test -x /usr/bin/chromium || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

# The workshop store's tests start a throwaway PostgreSQL server (tests/postgres.py) from Debian's
# server binaries; only the binaries are needed, not a running service.
postgresql:
	@command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq postgresql >/dev/null; }

# The print tests count and read PDF pages with poppler's pdfinfo and pdftotext.
poppler:
	@command -v pdfinfo >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq poppler-utils >/dev/null; }

clean:
	rm -rf $(VENV) $(ORACLE) _build .pytest_cache .hypothesis
