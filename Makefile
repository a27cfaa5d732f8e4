# `make run` serves the backprop quiz on SQLite; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint check bench lock clean font

# Bytecode is compiled ahead, as pip does for an installed wheel, so a start never compiles
# gradquiz's own modules (PYTHONDONTWRITEBYTECODE would otherwise make every start do it).
run: $(STAMP)
	$(BIN)/python -m compileall -q src/gradquiz
	$(BIN)/gradquiz serve --host $(HOST) --port $(PORT)

# The pack check here covers its rules on 200 seeds; the 10,000-seed sweep of every numeric
# generator runs as a test (tests/cli/test_check.py), alongside the others. Three workers on
# two cores: the browser tests wait on Chromium and the servers about half their time, and a
# third worker fills it (bench/RESULTS.md: 746 s against 788 s, and 583 s against 627 s).
# While mypy runs on one core, one collection on the other writes pytest's rewritten test
# modules to __pycache__ (also where PYTHONDONTWRITEBYTECODE is set, as on CI's machine), so
# that the three workers read them instead of each rewriting all 140 files: a worker's
# collection takes 6 s of CPU, not 15 (bench/RESULTS.md).
test: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	PYTHONDONTWRITEBYTECODE= $(BIN)/pytest --collect-only -q -p no:cacheprovider >/dev/null & \
		warm=$$!; $(BIN)/mypy; typed=$$?; wait $$warm; exit $$typed
	$(BIN)/gradquiz check src/gradquiz/packs/backprop --numeric-seeds 200
	$(BIN)/pytest -n 3 --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

check: $(STAMP)
	$(BIN)/gradquiz check src/gradquiz/packs/backprop

# The bundled math font, cut down to the glyphs the pack's formulas use (run after adding a
# symbol; tests/content/test_math_font.py says when).
font: $(STAMP)
	$(BIN)/python -m gradquiz.content.math_font fonts/noto-sans-math-5.3.0.woff2 \
		src/gradquiz/web/static/fonts/noto-sans-math-subset.woff2

# Needs wrk (Debian: apt-get install wrk). BENCH_PG=postgresql+psycopg://… adds the PostgreSQL run.
bench: $(STAMP)
	$(BIN)/python -m compileall -q src/gradquiz
	$(BIN)/python bench/http_load.py --workers 1
	$(BIN)/python bench/http_load.py --workers 2
	test -z "$(BENCH_PG)" || $(BIN)/python bench/http_load.py --workers 2 --database-url "$(BENCH_PG)"
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/stack_floor.py
	$(BIN)/python bench/stack_floor.py --http
	$(BIN)/python bench/page_budget.py
	$(BIN)/python bench/class_run.py --learners 500 1000 2000
	$(BIN)/python bench/class_live.py --learners 2000
	$(BIN)/python bench/lab_flood.py --learners 500 --minutes 1 --flood 8 --rounds 3

# Installs exactly the versions in constraints.txt, the ones the tests last passed with.
$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "gradquiz needs Python 3.11 or newer"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --constraint constraints.txt -e '.[dev]'
	touch $(STAMP)

# Refresh constraints.txt to the newest releases pyproject.toml allows; run `make test` after.
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade pip
	.lock-venv/bin/python -m pip install --quiet -e '.[dev]'
	echo "# The versions make run and make test install. Refresh with: make lock" > constraints.txt
	.lock-venv/bin/python -m pip freeze --exclude-editable >> constraints.txt
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) .lock-venv build src/*.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis
