# Two commands set everything up: `make serve` and `make test` (`make quick`: the fast tier).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: serve build check publish test quick lint browser hosting rsync clean

serve: $(VENV)/.installed node_modules/.installed
	$(PY) build.py serve --port $(PORT)

build: $(VENV)/.installed node_modules/.installed
	$(PY) build.py

check: $(VENV)/.installed
	$(PY) build.py check

# Copy the built site to a web server: DEST is a folder or host:path (docs/publishing.md).
publish:
	@test -n "$(DEST)" || { echo "make publish: cần DEST=THƯ_MỤC hoặc DEST=máy:đường/dẫn (docs/publishing.md)" >&2; exit 2; }
	@$(MAKE) --no-print-directory build rsync
	$(PY) build.py publish '$(DEST)'

# Every test, on every core (pytest-xdist; a large corpus's tests together: tests/conftest.py);
# PYTEST_ARGS="-n 0" runs them in this one process.
test: lint node_modules/.installed browser hosting
	$(PY) -m pytest -n auto --dist loadgroup $(PYTEST_ARGS)

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

# make publish copies with rsync; the hosting tests also serve the site with Debian's nginx and Apache.
rsync:
	@command -v rsync >/dev/null || { \
	  echo "Installing rsync for make publish"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q rsync; }

hosting: rsync
	@test -x /usr/sbin/nginx || { \
	  echo "Installing Debian's nginx for the hosting tests"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q nginx-light; }
	@test -x /usr/sbin/apache2 || { \
	  echo "Installing Debian's Apache (apache2-bin: no service of its own) for the hosting tests"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q apache2-bin; }

clean:
	rm -rf output .output.* .cache
