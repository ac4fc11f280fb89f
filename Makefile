# neuroplastic — set-up, demo, tests, benchmarks. Each target creates its own
# virtual environment and installs what it needs; nothing is installed by hand.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
BENCH_VENV ?= .venv-bench
BPY := $(BENCH_VENV)/bin/python
# Arguments of benchmarks/run.py, e.g. BENCH_ARGS="--duration-scale 0.1 --no-extras"
# (peers single-threaded and with --threads 2: columns brian2, brian2_2t, nest, nest_2t).
BENCH_ARGS ?=
# Compiled kernels are cached here (numba machine code beside generated loops).
export NEUROPLASTIC_CACHE_DIR ?= $(CURDIR)/.cache/kernels
# Tests run on every core (pytest-xdist; kernels compile once into the shared cache).
# worksteal: an idle worker takes queued tests from a busy one, so the long slow
# reproductions do not leave one core idle at the end (warm 2-core run: 543 s for
# 1,051 s of tests).
PYTEST_ARGS ?= -n auto --dist worksteal

.PHONY: demo test test-quick test-full bench bench-scaling install install-test clean help

help:
	@echo "make demo        set up .venv and run the demonstration experiment (writes runs/...)"
	@echo "make test        set up .venv with test extras and run the test suite (all but the full_scale marker)"
	@echo "make test-quick  the same without the slow reproductions (-m 'not slow')"
	@echo "make test-full   make test plus the full-scale confirmations (marker full_scale)"
	@echo "make bench       set up .venv-bench (with Brian2 and NEST) and run the benchmarks"
	@echo "make bench-scaling  the scaling benchmark (10^3 to 10^6 neurons; see benchmarks/scaling.py)"

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

demo: install
	$(VENV)/bin/neuroplastic run song2000 --out runs --progress
	$(VENV)/bin/neuroplastic run stdp-window --out runs

test: install-test
	$(PY) -m pytest -q -m "not full_scale" $(PYTEST_ARGS)

test-quick: install-test
	$(PY) -m pytest -q -m "not slow and not full_scale" $(PYTEST_ARGS)

# make test plus the full-scale confirmations marked full_scale (the runs of
# `neuroplastic reproduce sleep-replay` and `... izhikevich2007`: ~5 CPU-minutes more).
test-full: install-test
	$(PY) -m pytest -q $(PYTEST_ARGS)

$(BENCH_VENV)/.installed: pyproject.toml benchmarks/requirements-bench.txt
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BPY) -m pip install --quiet --upgrade pip
	$(BPY) -m pip install --quiet -r benchmarks/requirements-bench.txt -e .
	touch $@

bench: $(BENCH_VENV)/.installed
	$(BPY) benchmarks/run.py $(BENCH_ARGS)

bench-scaling: $(BENCH_VENV)/.installed
	$(BPY) benchmarks/scaling.py $(SCALING_ARGS)

clean:
	rm -rf $(VENV) $(BENCH_VENV) .cache runs benchmarks/build .pytest_cache
