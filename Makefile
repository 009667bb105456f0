# Two commands for a new user: `make serve` and `make test`. Both set up .venv first.
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTHON ?= python3

.PHONY: serve test lint setup audit soak browser postgres team

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

# Optional: the demo library as a team library, in a PostgreSQL cluster of its own in
# .team-db/ (Debian's postgresql binaries, no system service; reached on a Unix socket in
# that folder only), served by two worker processes. Log in as `demo`, password below.
PG_BIN := /usr/lib/postgresql/15/bin
TEAM_DB := $(CURDIR)/.team-db
TEAM_URL := postgresql://florilegium@/florilegium?host=$(TEAM_DB)
# PostgreSQL refuses to run as root: then its tools run as the postgres user.
AS_PG := $(if $(filter 0,$(shell id -u)),runuser -u postgres --,)
team: $(STAMP) postgres
	@mkdir -p $(TEAM_DB)
	@if [ -n "$(AS_PG)" ]; then chown postgres $(TEAM_DB); fi
	@test -f $(TEAM_DB)/data/PG_VERSION || $(AS_PG) $(PG_BIN)/initdb -D $(TEAM_DB)/data \
	  -U florilegium --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
	@$(AS_PG) $(PG_BIN)/pg_ctl -D $(TEAM_DB)/data status >/dev/null 2>&1 || \
	  $(AS_PG) $(PG_BIN)/pg_ctl -D $(TEAM_DB)/data -l $(TEAM_DB)/server.log -w start \
	  -o "-c listen_addresses='' -c unix_socket_directories='$(TEAM_DB)'" >/dev/null
	@$(AS_PG) $(PG_BIN)/psql -h $(TEAM_DB) -U florilegium -d postgres -tAc \
	  "SELECT 1 FROM pg_database WHERE datname = 'florilegium'" | grep -q 1 || \
	  $(AS_PG) $(PG_BIN)/createdb -h $(TEAM_DB) -U florilegium florilegium
	$(BIN)/florilegium --database "$(TEAM_URL)" init
	$(BIN)/florilegium --database "$(TEAM_URL)" push library
	echo "florilegium-demo" | $(BIN)/florilegium --database "$(TEAM_URL)" user add demo \
	  --role owner --password-stdin
	$(BIN)/florilegium --database "$(TEAM_URL)" serve --workers 2

serve: $(STAMP)
	$(BIN)/florilegium --library library serve

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# The browser tests need Debian's chromium: install it when we can (root, as in CI).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else \
	    echo "The browser tests need chromium: run 'sudo apt-get install chromium'" >&2; exit 1; \
	  fi; }

# The team edition's tests start their own PostgreSQL cluster from Debian's server
# binaries (no system service): install them when we can (root, as in CI).
postgres:
	@test -x /usr/lib/postgresql/15/bin/initdb || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; \
	  else \
	    echo "The team edition's tests need PostgreSQL: run 'sudo apt-get install postgresql'" >&2; exit 1; \
	  fi; }

test: lint audit browser postgres
	$(BIN)/pytest; status=$$?; [ $$status -eq 0 ] || [ $$status -eq 5 ] || exit $$status

# Known vulnerabilities in every installed package, from PyPI's advisories (pip-audit's
# services are out of reach here: see the script). Fails on any, or when PyPI cannot be asked.
audit: $(STAMP)
	$(BIN)/python .ci/audit_dependencies.py

# The long variants of the robustness tests (issue 8): fuzzing, SIGKILL crash rounds, and
# the server under a steady search and write load (requests/s, latency, memory).
soak: $(STAMP)
	$(BIN)/python bench/fuzz_bibtex.py --seconds 300
	$(BIN)/python bench/crash_soak.py --seconds 300
	$(BIN)/python bench/soak.py --seconds 60 --threads 4
	$(BIN)/python bench/soak.py --seconds 60 --threads 4 --server-processes 2 --server-threads 2
