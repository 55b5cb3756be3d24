# daeyeok: `make run` previews the sample course with live reload; `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.daeyeok-installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: setup run build serve test unit browser lint system-deps clean

setup: $(STAMP)

$(STAMP): pyproject.toml package.json package-lock.json tools/vendor_katex.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/python tools/vendor_katex.py
	touch $(STAMP)

# Debian packages the browser tests need (Chromium and a Korean font); installs only what is missing.
system-deps:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "noto sans cjk"; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-noto-cjk fonts-dejavu-core; \
	  else \
	    echo "Please install Chromium and a Korean font: sudo apt-get install chromium fonts-noto-cjk" >&2; exit 1; \
	  fi; \
	fi

build: setup
	$(BIN)/daeyeok build

# a live preview: rebuilds what you edit and reloads the open tabs (see `daeyeok serve --help`)
run: setup
	$(BIN)/daeyeok serve --host $(HOST) --port $(PORT)

lint: setup
	$(BIN)/ruff check src tests tools benchmarks fuzz
	$(BIN)/ruff format --check src tests tools benchmarks fuzz
	$(BIN)/mypy

unit: setup
	$(BIN)/python -m pytest -q -m "not browser"

browser: setup system-deps
	$(BIN)/python -m pytest -q -m browser

test: setup system-deps lint
	$(BIN)/python -m pytest -q

clean:
	rm -rf _site .daeyeok-cache .pytest_cache .mypy_cache .ruff_cache
