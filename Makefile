# tracker: `make run` serves the demonstration, `make test` runs every test. `make help` lists the rest.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app tracker
STAMP := $(VENV)/.installed-$(shell cat requirements.lock | sha1sum | cut -c1-12)
ASSETS := tracker/static/build/tracker.css
# The public pages' message catalogues: each language's .po (committed) compiles to its .mo (built here).
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard tracker/translations/*/LC_MESSAGES/messages.po))
PYBABEL := $(VENV)/bin/pybabel

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

# --- setting up -------------------------------------------------------------------------------

system: ## Install the Debian packages tracker needs, where missing (needs root)
	@bash scripts/system-packages.sh

$(STAMP): requirements.lock
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	rm -f $(VENV)/.installed-* && touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(ASSETS): node_modules/.package-lock.json assets/build.mjs $(wildcard assets/scss/*.scss)
	npm run --silent build

%.mo: %.po $(STAMP)
	$(PYBABEL) compile -i $< -o $@ --statistics

install: system $(STAMP) $(ASSETS) $(CATALOGUES) ## Set everything up: system packages, Python, front-end assets, translations

translations: $(STAMP) ## For translators: extract the public pages' texts (babel.cfg) and bring every language's .po up to date
	$(PYBABEL) extract -F babel.cfg -k N_ --add-location file --sort-output --project tracker --copyright-holder tracker \
		-o tracker/translations/messages.pot .
	$(PYBABEL) update -i tracker/translations/messages.pot -d tracker/translations -D messages --width 120 --ignore-pot-creation-date

db: install ## Create or upgrade the database to the latest migration
	$(FLASK) db upgrade

lock: ## Regenerate requirements.lock from the virtual environment
	(head -2 requirements.lock; $(PY) -m pip freeze --all --exclude-editable | grep -v '^pip==') > requirements.lock.new && mv requirements.lock.new requirements.lock

# --- the two commands -------------------------------------------------------------------------

run: db ## Serve the demonstration on http://127.0.0.1:5000 (SQLite in instance/)
	$(FLASK) seed --demo --show-passwords
	@echo
	$(FLASK) run --host 127.0.0.1 --port 5000

# The whole suite runs twice: on SQLite, then on a throwaway PostgreSQL server started by
# scripts/with-postgres.sh (browser tests only in the first pass); both passes run even if the first
# fails, and the target fails if either did. TRACKER_SKIP_POSTGRES=1 skips the second pass, loudly.
PYTEST_POSTGRES_ARGS ?= -m "not e2e"

lint: install ## The build's rules: ruff on the whole tree, and the import contracts of the layers (pyproject.toml)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache

test: install lint ## Lint, then run every test, on SQLite and then on PostgreSQL
	@status=0; \
	echo "=== Test pass 1 of 2: SQLite ==="; \
	$(PY) -m pytest || status=$$?; \
	echo "=== Test pass 2 of 2: PostgreSQL ==="; \
	bash scripts/with-postgres.sh $(PY) -m pytest $(PYTEST_POSTGRES_ARGS) || status=$$?; \
	if [ $$status -ne 0 ]; then echo "=== make test FAILED (see the pass above that failed) ==="; fi; \
	exit $$status

test-sqlite: install lint ## Run every test on SQLite only
	$(PY) -m pytest

test-postgres: install lint ## Run every test but the browser tests on a throwaway PostgreSQL server
	bash scripts/with-postgres.sh $(PY) -m pytest $(PYTEST_POSTGRES_ARGS)

# The fuzz test of every form runs in make test with a few hundred posts; this runs it long.
FUZZ_POSTS ?= 20000

fuzz: install ## Post generated values into every form of every POST route, FUZZ_POSTS of them (20,000): no 500
	FUZZ_POSTS=$(FUZZ_POSTS) $(PY) -m pytest -q -s -p no:cacheprovider tests/integration/test_fuzz_forms.py

# --- production ---------------------------------------------------------------------------------

serve: db ## Serve for production under gunicorn (gunicorn.conf.py; see README "Production")
	$(VENV)/bin/gunicorn --config gunicorn.conf.py

# --- speed (never run by make test or CI) -------------------------------------------------------

bench: install ## Benchmarks: the response PDFs, every page at national scale, then their growth at 3x and 10x the data (BENCH_SKIP_10X=1)
	TRACKER_BENCH=1 $(PY) -m pytest -q -m bench tests/bench --benchmark-columns=min,mean,max,rounds --benchmark-sort=name
	@mkdir -p bench/results
	$(PY) -m pytest bench/ -p no:cacheprovider --benchmark-sort=name --benchmark-columns=min,median,max,rounds \
		--benchmark-json=bench/results/benchmark-$$(date -u +%Y%m%dT%H%M%S).json \
		$(if $(BENCH_TIMER),--benchmark-timer=$(BENCH_TIMER))
	$(PY) -m bench.growth
	$(if $(filter 1,$(BENCH_SKIP_POSTGRES)),@echo "BENCH_SKIP_POSTGRES=1: PostgreSQL beside SQLite skipped",bash scripts/with-postgres.sh $(PY) -m bench.parity)

bench-parity: install ## PostgreSQL beside SQLite, each benchmarked page in turns in one run (a throwaway server; ratio goal 1.3)
	bash scripts/with-postgres.sh $(PY) -m bench.parity

load: install ## Load test: gunicorn (2 workers) on 127.0.0.1:5800 driven by wrk, at national scale
	@bash scripts/load-packages.sh
	$(PY) -m bench.load

load-postgres: install ## The same load test on a throwaway PostgreSQL (the national set generated first); BENCH_SERVERS=2: two servers against it
	@bash scripts/load-packages.sh
	BENCH_DATABASE=postgresql bash scripts/with-postgres.sh $(PY) -m bench.load

profile: install ## Profile one page at national scale: make profile URL=/ [USER=all] [CACHED=1] (pyinstrument, SQL echo)
	$(PY) -m bench.profile $(or $(URL),/) $(or $(USER),one)

eval-import: install ## How well the importer reads the real texts of tests/fixtures/import_corpus, and a 200-page PDF
	$(PY) -m tests.import_eval

# --- more ---------------------------------------------------------------------------------------

clean: ## Remove the virtual environment, node_modules and built assets (keeps instance/)
	rm -rf $(VENV) node_modules tracker/static/build

.PHONY: help system install translations db lock lint run test test-sqlite test-postgres fuzz serve bench bench-parity load load-postgres profile eval-import clean
