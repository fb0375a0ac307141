# RiskGate: `make demo` starts the demo, `make test` runs the whole suite. See README.md.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test install system-deps lint messages migrate clean screenshots

$(VENV)/.installed: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# Debian packages: Chromium for the browser tests, Noto CJK for Chinese text in browsers and PDFs.
system-deps:
	scripts/install-system-deps.sh

demo: install
	scripts/demo.sh

test: install system-deps
	$(BIN)/pytest $(PYTEST_ARGS)

# Every screen for every demo role, in Chinese and English, desktop and phone: var/screenshots/index.html.
screenshots: install system-deps
	RISKGATE_DEV=1 $(BIN)/python manage.py migrate --noinput
	RISKGATE_DEV=1 $(BIN)/python manage.py load_demo
	$(BIN)/python scripts/screenshots.py $(SCREENSHOT_ARGS)

lint: install
	$(BIN)/ruff check .

migrate: install
	$(BIN)/python manage.py migrate --noinput

# Extract and compile translations (needs gettext); compiled .mo files are committed.
messages: install
	cd src/riskgate && ../../$(BIN)/django-admin makemessages -l zh_Hans -l en --no-obsolete --ignore 'migrations/*'
	cd src/riskgate && ../../$(BIN)/django-admin compilemessages

clean:
	rm -rf var/ .pytest_cache
