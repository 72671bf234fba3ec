# The two commands of the README: `make run` and `make test`. Everything else is a step of theirs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DSFR := node_modules/@gouvfr/dsfr/dist
STATIC_DSFR := training/static/dsfr
export FLASK_APP := wsgi
# The application's own default is production (a server started without APP_ENV must not run
# with development settings); every command here is a developer's.
export APP_ENV ?= development
# Ports of `make run`: the site and the development mail server (`make run PORT=5301`).
PORT ?= 5000
MAIL_PORT ?= 8025

.PHONY: run test prod install assets lint test-tools test-sqlite test-postgresql captures clean

# The development signing key is created once, in instance/ (never committed), then kept.
SIGNING_KEY := $${CERTIFICATE_SIGNING_KEY_PATH:-instance/certificate-signing-key.pem}

run: install assets
	$(BIN)/flask db upgrade
	$(BIN)/flask courses rerender
	test -f "$(SIGNING_KEY)" || $(BIN)/flask certificates keygen
	$(BIN)/flask demo
	@echo "Courriels : affichés ci-dessous par le serveur SMTP de développement (127.0.0.1:$(MAIL_PORT))."
	trap 'kill 0' EXIT INT TERM; \
	$(BIN)/python -m aiosmtpd -n -l 127.0.0.1:$(MAIL_PORT) -c training.devmail.PrintDecoded & \
	MAIL_PORT=$(MAIL_PORT) $(BIN)/flask jobs worker & \
	MAIL_PORT=$(MAIL_PORT) $(BIN)/flask run --host 127.0.0.1 --port $(PORT)

test: install assets lint test-tools test-sqlite test-postgresql

# The production stack on this machine, to try it (docs/deploiement.md): production settings
# with a key made once in instance/, PostgreSQL at DATABASE_URL and Redis at REDIS_URL (local
# servers by default, the database created if missing), gunicorn serving HTTPS on
# https://127.0.0.1:$(PROD_PORT) with a certificate made for this trial, the job worker.
PROD_PORT ?= 8443
prod: install assets
	$(BIN)/python -m deploy.local_production --port $(PROD_PORT)

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/flask courses check courses

# The browser journeys (tests/browser, marker `browser`) run in the SQLite pass only: they start
# their own server on a temporary SQLite database, whatever --database says.
# Both passes run in one pytest-xdist worker per core, each worker with its own database (and,
# for the journeys, its own site and browser); the journeys after the other tests.
test-sqlite:
	$(BIN)/pytest -m "not browser" -n auto
	CHROMIUM="$$(command -v chromium chromium-browser | head -n 1)" $(BIN)/pytest -m browser -n auto

# The PostgreSQL pass leaves out the tests that use no database (see tests/conftest.py).
test-postgresql:
	$(BIN)/pytest --database=postgresql -m "not browser" -n auto

# Debian's Chromium for the browser journeys (never a browser downloaded at run time), a Java
# runtime for the Nu Html Checker, and the tools a third party uses on a certificate (poppler's
# pdfdetach and pdftoppm, zbarimg to scan the QR code), and PostgreSQL's pg_dump and pg_restore
# for the backup test, installed with apt-get when missing (as root, or with sudo). Without them
# those tests are skipped with a one-line reason, except in CI (CI=true), where they fail.
test-tools:
	@[ -n "$$(command -v chromium chromium-browser)" ] || { $(call apt_install,chromium); }
	@command -v java >/dev/null 2>&1 || { $(call apt_install,default-jre-headless); }
	@command -v pdfdetach >/dev/null 2>&1 || { $(call apt_install,poppler-utils); }
	@command -v zbarimg >/dev/null 2>&1 || { $(call apt_install,zbar-tools); }
	@command -v pg_dump >/dev/null 2>&1 || { $(call apt_install,postgresql-client); }

define apt_install
echo "$(1) is missing: installing it with apt-get."; \
if [ "$$(id -u)" = 0 ]; then sudo=""; \
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; \
else echo "Cannot install $(1) (neither root nor sudo): the tests needing it will not run."; \
  [ "$$CI" != true ] || exit 1; exit 0; fi; \
$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $(1) \
  || { echo "Installing $(1) failed."; [ "$$CI" != true ] || exit 1; }
endef

# Refresh the screenshots of docs/captures/ (shown in the README) from the journeys.
captures: install assets test-tools
	UPDATE_DOC_CAPTURES=1 CHROMIUM="$$(command -v chromium chromium-browser | head -n 1)" \
		$(BIN)/pytest -m browser

# The load benchmark against bare Flask (docs/performance.md), on the PostgreSQL and Redis of
# the tests: Debian's wrk drives the load; py-spy (`bench` extra) profiles with --profile.
# About eight minutes.
.PHONY: bench-load
bench-load: install assets
	@command -v wrk >/dev/null 2>&1 || { $(call apt_install,wrk); }
	$(BIN)/python -m pip install --quiet -e ".[test,bench]"
	$(BIN)/python bench/load.py

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "Python 3.11 or newer is required (found $$($(PYTHON) --version))."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

assets: $(STATIC_DSFR)/.copied

# Only the DSFR files the pages use (CSS, JS, fonts, icons, favicon), never committed.
# No package needs its install script (vnu-jar's would download a Java runtime).
$(STATIC_DSFR)/.copied: package-lock.json .dsfr.yml
	npm ci --no-audit --no-fund --ignore-scripts
	rm -rf $(STATIC_DSFR) && mkdir -p $(STATIC_DSFR)/utility/icons
	cp $(DSFR)/dsfr.min.css $(DSFR)/dsfr.module.min.js $(DSFR)/dsfr.nomodule.min.js $(STATIC_DSFR)/
	cp $(DSFR)/utility/icons/icons.min.css $(STATIC_DSFR)/utility/icons/
	cp -r $(DSFR)/fonts $(DSFR)/icons $(DSFR)/favicon $(STATIC_DSFR)/
	touch $@

clean:
	rm -rf $(VENV) node_modules $(STATIC_DSFR) instance/*.sqlite3 build/static
