# Two commands on a fresh machine: `make run` and `make test`. Everything else is installed here.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DB ?= data/dashboard.duckdb
PORT ?= 8501
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CHROMIUM := /usr/bin/chromium
AXE := node_modules/axe-core/axe.min.js
NGINX := /usr/sbin/nginx
POPPLER := /usr/bin/pdftoppm
REPLICAS ?= 2

.PHONY: install system run serve sync build test lint validate clean bench

install: $(STAMP) system

# The virtualenv is (re)made when missing or older than requirements.txt.
$(STAMP): requirements.txt
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $(STAMP)

# Debian's Chromium (browser tests, PNG export) and axe-core (accessibility checks).
system: $(CHROMIUM) $(NGINX) $(POPPLER) $(AXE)

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	$(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core fonts-liberation

# Debian's nginx, in front of `make serve`'s processes (deploy/).
$(NGINX):
	$(SUDO) apt-get update -qq
	$(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx

# The PDF briefing: the Pango and HarfBuzz libraries WeasyPrint prints with, and poppler-utils
# (pdftotext reads the PDF back in the tests, pdftoppm turns its pages into images to look at).
$(POPPLER):
	$(SUDO) apt-get update -qq
	$(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils libpango-1.0-0 \
		libpangoft2-1.0-0 libharfbuzz-subset0

$(AXE): package.json
	npm install --no-audit --no-fund --no-package-lock --silent
	@touch $(AXE)

# The database is derived from config/ and data/. `make run` brings it in step with them on every
# start without losing the import history (and undo): files an import wrote back are already in
# step; a file edited by hand is imported like an upload (in the history, undoable); invalid files
# leave the database as it was and the app serves what it had. `make build` always rebuilds from
# the files and starts a new history.
sync: $(STAMP)
	-$(PY) -m indicators sync --db $(DB)

build: $(STAMP)
	$(PY) -m indicators build --db $(DB)

validate: $(STAMP)
	$(PY) -m indicators validate

run: install sync
	$(VENV)/bin/streamlit run dashboard.py --server.headless true --server.port $(PORT)

# REPLICAS identical processes behind nginx on PORT, sticky per visitor (tools/serve.py, deploy/).
serve: install sync
	$(PY) -m tools.serve --replicas $(REPLICAS) --port $(PORT)

# Lint first: ruff and strict mypy on indicators/ take seconds (mypy keeps .mypy_cache/).
# Two workers (pytest-xdist): each test module is one unit, the browser tests two units (one per
# worker), the long units first (tests/conftest.py); --no-loadscope-reorder keeps that order.
# PYTHONDONTWRITEBYTECODE (set on some machines) is cleared so that the workers, the app servers
# and the command lines the tests start reuse compiled modules and pytest's rewritten asserts
# (collecting the suite: 10 s without them, 5 s with).
test: install lint
	PYTHONDONTWRITEBYTECODE= $(PY) -m pytest -n 2 --dist loadscope --no-loadscope-reorder

# Speed and memory at the shipped scale and at ×100 (bench/README.md); not part of `make test`.
BENCH := pages concurrent data_speed exports browser memory
bench: install
	@for b in $(BENCH); do echo "== bench/$$b.py"; $(PY) -m bench.$$b || exit 1; done

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(PY) -m mypy

# The static bundle for any web server (docs/data-formats.md, "Publishing the static bundle"),
# made from $(DB) into OUT (default public/, git-ignored); BASE_URL, else $DASHBOARD_PUBLISH_URL,
# is where it will be served, for whole addresses in its embed codes.
OUT ?= public
.PHONY: publish
publish: $(STAMP)
	$(PY) -m indicators publish $(OUT) --db $(DB) $(if $(BASE_URL),--base-url $(BASE_URL))

clean:
	rm -f $(DB) $(DB).lock
