# The two commands a newcomer needs: `make run` and `make test`.
# Nothing has to be installed beforehand but python3 (3.11) and make: without DATABASE_URL
# and REDIS_URL, both start private PostgreSQL and Redis servers (scripts/services.py).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PORT ?= 8000
TEST_SETTINGS := DJANGO_SETTINGS_MODULE=diary_site.test_settings
# Runs a command against DATABASE_URL, or a throwaway private PostgreSQL when it is unset.
WITH_POSTGRES := $(BIN)/python -m scripts.services with-postgres
CHROMIUM ?= /usr/bin/chromium
# The unit suite runs on this many pytest-xdist workers, each with its own test database
# (`make test TEST_WORKERS=0` runs it in one process). The browser journeys stay in one.
TEST_WORKERS ?= 2
PIP_VERSION := 26.3

.PHONY: run test install install-dev lint suite e2e e2e-suite bench fuzz lock static clean \
  messages mo clock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet pip==$(PIP_VERSION)

# Both lock files pin every transitive dependency with its hashes (`make lock` rebuilds them).
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## messages: re-collect the marked strings into locale/<lang>/LC_MESSAGES/django.po (needs
## GNU gettext's xgettext), then compile. Translate the new entries, then commit the .po files.
messages: install-dev
	$(BIN)/python -m scripts.messages update
	$(BIN)/python -m scripts.messages compile

## mo: the compiled catalogues (.mo, not committed), rebuilt when a .po is newer (polib).
mo: install
	$(BIN)/python -m scripts.messages compile

## run: web on 127.0.0.1:$(PORT), one Celery worker, one beat, private PostgreSQL and
## Redis unless DATABASE_URL / REDIS_URL are set; migrations and the demo data first.
run: install-dev mo
	$(BIN)/python scripts/run_dev.py

## test: lint, the whole test suite, then the browser journeys when Chromium is installed
## (`apt-get install -y chromium`), on a private PostgreSQL unless DATABASE_URL is set.
## `make test PYTEST_ARGS="tests/alerts -x"` runs a part of the suite (and no journeys).
test: install-dev mo
	$(WITH_POSTGRES) $(MAKE) --no-print-directory lint suite

## lint: ruff, the architecture (import-linter: the apps depend one way, no cycles), and
## Django's own checks.
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache --no-logo
	$(TEST_SETTINGS) $(BIN)/python manage.py check
	$(TEST_SETTINGS) $(BIN)/python manage.py makemigrations --check --dry-run

suite: install-dev
	$(TEST_SETTINGS) $(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)
	@if [ -n "$(PYTEST_ARGS)" ]; then exit 0; \
	elif [ -x "$(CHROMIUM)" ]; then $(MAKE) --no-print-directory e2e-suite; \
	else echo "Chromium not found at $(CHROMIUM): browser journeys skipped (make e2e runs them)."; fi

## e2e: the patient, clinician and administrator journeys in real Chromium, with axe-core.
## Starts its own database, Redis, gunicorn, Celery worker and beat; artefacts in e2e-artifacts/.
e2e: install-dev mo
	$(WITH_POSTGRES) $(MAKE) --no-print-directory e2e-suite

e2e-suite: install-dev
	CHROMIUM=$(CHROMIUM) $(TEST_SETTINGS) $(BIN)/pytest tests/e2e -m e2e -p no:cacheprovider \
	  --output e2e-artifacts/playwright --screenshot only-on-failure --tracing retain-on-failure

## fuzz: the long Hypothesis run (10,000 examples per form and for the scenario parser).
fuzz: install-dev
	HYPOTHESIS_PROFILE=long $(TEST_SETTINGS) $(WITH_POSTGRES) $(BIN)/pytest tests/fuzz -q -p no:cacheprovider

## clock: the unit suite at the awkward hours, its clock starting there and ticking on
## (DIARY_TEST_CLOCK, tests/conftest.py): 20 minutes after midnight and 10 before it (UTC and
## London in winter), and 10 minutes after London's clocks went back (01:10 came twice). CI
## runs it after `make test`. The fuzzers are left out (random inputs, not dates).
CLOCKS ?= 2026-11-30T00:20Z 2026-11-30T23:50Z 2026-10-25T01:10Z
clock: install-dev mo
	@for at in $(CLOCKS); do echo "== the suite at $$at"; \
	  DIARY_TEST_CLOCK=$$at $(TEST_SETTINGS) $(WITH_POSTGRES) $(BIN)/pytest -q -p no:cacheprovider \
	    -n $(TEST_WORKERS) \
	    $(or $(PYTEST_ARGS),--ignore=tests/fuzz) || exit 1; done

## bench: throughput, latency and scale figures as ratios against same-run baselines
## (quick mode < 5 min; `make bench BENCH_ARGS=--full` for the long run). The private
## PostgreSQL keeps fsync on here, as a deployment does.
bench: install-dev mo
	$(WITH_POSTGRES) --durable $(BIN)/python bench/run.py $(BENCH_ARGS)

## lock: re-resolve both lock files from requirements*.in (docs/operations.md, "Upgrading").
lock: install-dev
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	  --no-emit-index-url --no-emit-find-links $(LOCK_ARGS) -o requirements.txt requirements.in
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	  --no-emit-index-url --no-emit-find-links $(LOCK_ARGS) -o requirements-dev.txt requirements-dev.in

## static: collect and compress the static files into staticfiles/, at build time (a release
## step's files are thrown away by most platforms). Needs no database or mail server.
static: install mo
	DJANGO_DEBUG=false DJANGO_SECRET_KEY=build-only DATABASE_URL=postgres://build/none \
	  EMAIL_URL=dummymail:// $(BIN)/python manage.py collectstatic --no-input --verbosity 0

clean:
	rm -rf $(VENV) .run staticfiles e2e-artifacts
