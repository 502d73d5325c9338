# Set-up and everyday commands. A fresh machine needs only python3 (3.11+) and, for `make test`, root for apt-get.
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: serve build test validate hooks chromium clean

serve: $(VENV)/.site  ## install, then build and serve the site from data/ (or $SUANLI_DATA) at http://127.0.0.1:$(PORT)/
	$(VENV)/bin/suanli serve --port $(PORT)

build: $(VENV)/.site  ## install, then build the site from data/ into site/
	$(VENV)/bin/properdocs build --strict -f mkdocs.yml

validate: $(VENV)/.site
	$(VENV)/bin/suanli validate

test: $(VENV)/.test chromium tests/js/node_modules/.installed  ## install everything the tests need, then run them
	$(PY) -m pytest

hooks: $(VENV)/.site  ## turn on the pre-commit hook: `suanli validate` before every commit that touches data/
	$(PY) -m pip install -q -e '.[hooks]'
	$(VENV)/bin/pre-commit install

# Debian's chromium for the browser tests (unless SUANLI_CHROMIUM names another Chromium), a Chinese font
# (readers have one: names are measured as they are drawn), poppler-utils (pdfinfo, pdftotext: the
# print tests read Chromium's PDF) and a Java runtime (the Nu Html Checker, vnu.jar, is a Java program).
DEBS := fonts-wqy-microhei poppler-utils default-jre-headless
chromium:  ## Debian packages the browser and print tests need
	@{ test -n "$$SUANLI_CHROMIUM" || test -x /usr/bin/chromium; } && fc-list :lang=zh | grep -q . \
	  && command -v pdftotext >/dev/null && command -v java >/dev/null || { \
	  SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
	  PKGS="$(DEBS)"; test -n "$$SUANLI_CHROMIUM" || PKGS="chromium $$PKGS"; \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q --no-install-recommends $$PKGS; }

tests/js/node_modules/.installed: tests/js/package.json tests/js/package-lock.json  ## axe-core, from npm
	npm ci --prefix tests/js --no-audit --no-fund --ignore-scripts  # vnu-jar's script would fetch a Java: the machine's is used
	touch $@

$(VENV)/.site: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.test: pyproject.toml $(VENV)/.site
	$(PY) -m pip install -q -e '.[test]'
	touch $@

clean:
	rm -rf site $(VENV)
