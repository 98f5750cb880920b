# Two commands set everything up: `make serve` and `make test` (`make quick`: the fast tier).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: serve build check test quick lint browser clean

serve: $(VENV)/.installed node_modules/.installed
	$(PY) build.py serve --port $(PORT)

build: $(VENV)/.installed node_modules/.installed
	$(PY) build.py

check: $(VENV)/.installed
	$(PY) build.py check

# Every test, on every core (pytest-xdist); PYTEST_ARGS="-n 0" runs them in this one process.
test: lint node_modules/.installed browser
	$(PY) -m pytest -n auto $(PYTEST_ARGS)

# The fast tier, under a minute: lint, then every test not marked slow (no browser, Java, Node
# form backend, preview server, signal, killed build, large corpus or long build; pyproject.toml),
# on every core (pytest-xdist).
quick: lint node_modules/.installed
	$(PY) -m pytest -m "not slow" -n auto $(PYTEST_ARGS)

# Style, complexity and types (configured in pyproject.toml); the first step of make test.
lint: $(VENV)/.installed $(VENV)/.test-installed
	$(PY) -m ruff check .
	$(PY) -m mypy archive build.py

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.test-installed: requirements-test.txt $(VENV)/.installed
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

# The browser tests drive Debian's Chromium; install it where it is missing.
browser:
	@command -v /usr/bin/chromium >/dev/null || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q chromium; }
	@command -v java >/dev/null || { \
	  echo "Installing Java for the Nu HTML Checker"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q default-jre-headless; }

clean:
	rm -rf output .output.* .cache
