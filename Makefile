# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PORT ?= 8000
TEST_SETTINGS := DJANGO_SETTINGS_MODULE=diary_site.test_settings

.PHONY: run test install install-dev lint e2e bench fuzz clean
CHROMIUM ?= /usr/bin/chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## run: web on 127.0.0.1:$(PORT), one Celery worker, one beat, Redis if needed; demo data.
run: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py seed_demo
	$(BIN)/python scripts/run_dev.py

## lint: ruff and Django's own checks.
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(TEST_SETTINGS) $(BIN)/python manage.py check
	$(TEST_SETTINGS) $(BIN)/python manage.py makemigrations --check --dry-run

## test: lint, the whole test suite (PostgreSQL when DATABASE_URL points at it), then the
## browser journeys when Chromium is installed (`apt-get install -y chromium`).
test: lint
	$(TEST_SETTINGS) $(BIN)/pytest
	@if [ -x "$(CHROMIUM)" ]; then $(MAKE) --no-print-directory e2e; \
	else echo "Chromium not found at $(CHROMIUM): browser journeys skipped (make e2e runs them)."; fi

## e2e: the patient, clinician and administrator journeys in real Chromium, with axe-core.
## Starts its own database, Redis, gunicorn, Celery worker and beat; artefacts in e2e-artifacts/.
e2e: install-dev
	CHROMIUM=$(CHROMIUM) $(TEST_SETTINGS) $(BIN)/pytest tests/e2e -m e2e -p no:cacheprovider \
	  --output e2e-artifacts/playwright --screenshot only-on-failure --tracing retain-on-failure

## fuzz: the long Hypothesis run (10,000 examples per form and for the scenario parser).
fuzz: install-dev
	HYPOTHESIS_PROFILE=long $(TEST_SETTINGS) $(BIN)/pytest tests/fuzz -q -p no:cacheprovider

## bench: throughput, latency and scale figures as ratios against same-run baselines
## (PostgreSQL required; quick mode < 5 min; `make bench BENCH_ARGS=--full` for the long run).
bench: install-dev
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .run staticfiles db.sqlite3
