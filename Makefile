# Two commands for a fresh machine (see README.md):
#   make run   - set up everything (idempotent), migrate, demo data on first run, start the portal
#   make test  - the same set-up plus the test tools, then lint and the whole suite (SQLite,
#                PostgreSQL, browser tests), then a check that the run left the git tree as it was
SHELL := /bin/bash
.DEFAULT_GOAL := run

VENV  := .venv
PY    := $(CURDIR)/$(VENV)/bin/python
TOOLS := $(CURDIR)/tools/node_modules/.bin
PORT  ?= 3000
SUDO  := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Reflex 0.10.1 needs Node >= 22.22 and Bun >= 1.4.4: both come from the npm registry into tools/.
export PATH := $(TOOLS):$(CURDIR)/$(VENV)/bin:$(PATH)
export REFLEX_BUN_PATH := $(TOOLS)/bun
export REFLEX_DIR := $(CURDIR)/tools/reflex-home
export REFLEX_TELEMETRY_ENABLED := false
export REFLEX_CHECK_LATEST_VERSION := false
export NPM_CONFIG_REGISTRY := https://registry.npmjs.org
export PYTHONUNBUFFERED := 1

.PHONY: setup setup-dev run migrate release lint test test-sqlite test-postgres test-e2e migrations-check chromium fonts \
	nginx prod-check bench clean faketime test-clock quick-start-pictures

# One stamp per requirements file: `make run` installs only what the portal needs; the test and
# benchmark tools come on top when a target needs them. A stamp is named by a hash of its file's
# content, not its time: Reflex touches requirements.txt on every fresh build, and that must not
# re-run pip. Changed pins make a new name, so the install runs again.
hash = $(shell cat $(1) | sha256sum | cut -c1-12)
RUNTIME_STAMP := $(VENV)/.installed-runtime-$(call hash,requirements.txt)
DEV_STAMP := $(VENV)/.installed-dev-$(call hash,requirements.txt requirements-dev.txt)

$(VENV)/bin/python:
	python3 -m venv $(VENV)

$(RUNTIME_STAMP): | $(VENV)/bin/python
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	@rm -f $(VENV)/.installed-runtime-*
	@touch $@

$(DEV_STAMP): | $(VENV)/bin/python
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.installed-dev-*
	@touch $@

tools/node_modules/.installed: tools/package.json tools/package-lock.json
	cd tools && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

setup: $(RUNTIME_STAMP) tools/node_modules/.installed fonts

setup-dev: setup $(DEV_STAMP)

migrate: setup
	$(PY) -m alembic upgrade head
	$(PY) -m portal_app.cli setup

# On a production machine (README "Running in production"), with the production settings in the
# environment (set -a; . /etc/portal/portal.env; set +a): migrate, load content, build the pages
# nginx serves from .web/build/client. Then restart the workers one at a time.
release: setup
	$(PY) -m alembic upgrade head
	$(PY) -m portal_app.cli setup
	$(PY) -m reflex export --frontend-only --no-zip --env prod

run: migrate
	@echo
	@echo "Starting the portal at http://localhost:$(PORT) (the first start builds the pages; it takes a minute)."
	$(PY) -m reflex run --env prod --frontend-port $(PORT)

chromium:
	@test -x /usr/bin/chromium || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium; }
	@test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q fonts-dejavu-core; }

# Invoice and receipt PDFs in each reader's script (billing/pdf_render.py): Noto Sans and Noto Sans
# Arabic (fonts-noto-core), Noto Sans CJK (fonts-noto-cjk).
fonts:
	@test -f /usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q --no-install-recommends fonts-noto-core; }
	@test -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q --no-install-recommends fonts-noto-cjk; }

faketime:
	@test -x /usr/bin/faketime || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q faketime; }

# The date and time logic with the whole process's clock pinned (Debian's libfaketime) at the moments
# that break naive code, the firm being in New York: 23:59 and 00:01 there and in UTC, the minute after
# the spring-forward and the repeated hour of the fall-back, New Year's Eve, a leap day. The server's
# own zone is set far from both (TZ), so a stray date.today() or naive now() shows. The clock runs on
# from each moment, so a test crosses midnight as a real one would.
CLOCK_TESTS := tests/integration/test_local_dates.py tests/integration/test_deadlines_and_tasks.py \
	tests/integration/test_trust_and_reports.py tests/integration/test_tasks_and_jobs.py \
	tests/integration/test_billing_flow.py tests/integration/test_clock_pinned.py
# moment (UTC) / the server's own zone, which alternates between UTC+14 and UTC-11
CLOCK_RUNS := 2026-12-02T04:59:00/Pacific/Kiritimati 2026-12-02T05:01:00/Pacific/Pago_Pago \
	2026-12-01T23:59:00/Pacific/Kiritimati 2026-12-02T00:01:00/Pacific/Pago_Pago \
	2026-03-08T07:01:00/Pacific/Kiritimati 2026-11-01T06:30:00/Pacific/Pago_Pago \
	2027-01-01T04:59:00/Pacific/Kiritimati 2028-02-29T05:01:00/Pacific/Pago_Pago
# Not part of `make test`: the eight runs took 562 s on this machine under load (the budget for
# joining `make test` was two minutes); run it as its own CI step. Its first run found two tests
# that were red or green by the hour (a server-zone date.today(), a UTC utcnow().date()).
test-clock: setup-dev faketime
	@for run in $(CLOCK_RUNS); do \
	  moment=$${run%%/*}; zone=$${run#*/}; \
	  echo "== clock pinned at $$moment UTC, server zone $$zone"; \
	  TZ=UTC faketime "$${moment/T/ }" env TZ=$$zone PORTAL_TEST_DB=sqlite PORTAL_CLOCK_PINNED=$$moment \
	    $(PY) -m pytest -q -p no:cacheprovider -x $(CLOCK_TESTS) || exit 1; \
	done

nginx:
	@test -x /usr/sbin/nginx || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q nginx; }

# The production topology on this machine (README "Running in production"): nginx with TLS in front
# of two portal workers on PostgreSQL, Redis, S3 (moto) and SMTP (aiosmtpd), tested through the proxy.
prod-check: setup-dev chromium nginx
	$(PY) -m pytest -q -p no:cacheprovider tests/production

migrations-check: setup-dev
	$(PY) -m tests.migrations_check

lint: setup-dev
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff check portal_app tests bench

test-sqlite: setup-dev
	PORTAL_TEST_DB=sqlite $(PY) -m pytest -q tests/unit tests/integration

test-postgres: setup-dev
	PORTAL_TEST_DB=postgresql $(PY) -m pytest -q tests/unit tests/integration

test-e2e: setup-dev chromium
	$(PY) -m pytest -q tests/e2e

# The whole suite, then: nothing tracked changed and nothing new appeared that git does not ignore
# (the browser run builds the pages, which rewrites reflex.lock/ when it is not in Reflex's form).
test: setup-dev chromium nginx
	@$(PY) -m tests.tree_check save test-artifacts/tree-before.json
	$(MAKE) --no-print-directory lint migrations-check test-sqlite test-postgres test-e2e prod-check
	@$(PY) -m tests.tree_check compare test-artifacts/tree-before.json

# The quick-start guide's pictures (assets/quick-start/<language>/*.webp): the real pages on a phone,
# in every language, from the browser test that takes them. Run again when those pages change.
quick-start-pictures: setup-dev chromium
	PORTAL_QUICK_START_PICTURES=$(CURDIR)/assets/quick-start $(PY) -m pytest -q -p no:cacheprovider \
	  tests/e2e/test_onboarding_in_browser.py -k take_the_quick_start_pictures

bench: setup-dev
	$(PY) -m bench

clean:
	rm -rf .web .states .prodcheck-web tools/reflex-home
