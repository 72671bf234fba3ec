# The two commands of the README: `make run` and `make test`. Everything else is a step of theirs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DSFR := node_modules/@gouvfr/dsfr/dist
STATIC_DSFR := training/static/dsfr
export FLASK_APP := wsgi

.PHONY: run test install assets lint test-sqlite test-postgresql clean

# The development signing key is created once, in instance/ (never committed), then kept.
SIGNING_KEY := $${CERTIFICATE_SIGNING_KEY_PATH:-instance/certificate-signing-key.pem}

run: install assets
	$(BIN)/flask db upgrade
	test -f "$(SIGNING_KEY)" || $(BIN)/flask certificates keygen
	$(BIN)/flask demo
	@echo "Courriels : affichés ci-dessous par le serveur SMTP de développement (127.0.0.1:8025)."
	trap 'kill 0' EXIT INT TERM; \
	$(BIN)/python -m aiosmtpd -n -l 127.0.0.1:8025 -c aiosmtpd.handlers.Debugging & \
	$(BIN)/flask run --host 127.0.0.1 --port 5000

test: install assets lint test-sqlite test-postgresql

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/flask courses check courses

test-sqlite:
	$(BIN)/pytest

test-postgresql:
	$(BIN)/pytest --database=postgresql

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
$(STATIC_DSFR)/.copied: package-lock.json .dsfr.yml
	npm ci --no-audit --no-fund
	rm -rf $(STATIC_DSFR) && mkdir -p $(STATIC_DSFR)/utility/icons
	cp $(DSFR)/dsfr.min.css $(DSFR)/dsfr.module.min.js $(DSFR)/dsfr.nomodule.min.js $(STATIC_DSFR)/
	cp $(DSFR)/utility/icons/icons.min.css $(STATIC_DSFR)/utility/icons/
	cp -r $(DSFR)/fonts $(DSFR)/icons $(DSFR)/favicon $(STATIC_DSFR)/
	touch $@

clean:
	rm -rf $(VENV) node_modules $(STATIC_DSFR) instance/*.sqlite3
