"""The plugin's quality bar: `php -l` on every file, PHP_CodeSniffer with the checked-in ruleset, the PHPUnit
suite of its own logic, and the zip `make plugin` builds (installable, without the developer files)."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.wordpress_plugin.conftest import REPO

PLUGIN = REPO / "wordpress" / "igny8-bridge"


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(
            f"{name} is not installed: `make plugin-deps` installs it (Debian's php-cli, php-codesniffer, phpunit)"
        )
    return path


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=PLUGIN, capture_output=True, text=True, timeout=300)


def test_every_php_file_passes_php_lint():
    php = _tool("php")
    files = sorted(PLUGIN.rglob("*.php"))
    assert len(files) > 20
    for path in files:
        result = _run([php, "-l", str(path)])
        assert result.returncode == 0, f"{path}: {result.stdout}{result.stderr}"


def test_php_codesniffer_finds_nothing_with_the_ruleset():
    result = _run([_tool("phpcs"), "--standard=phpcs.xml.dist", "--report=summary", "-q", "--no-colors"])
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_phpunit_suite_passes():
    result = _run([_tool("phpunit"), "--configuration", "phpunit.xml.dist", "--colors=never"])
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    counted = re.search(r"OK \((\d+) tests, (\d+) assertions\)", result.stdout)
    assert counted and int(counted.group(1)) >= 20, result.stdout[-2000:]


def test_every_user_facing_string_is_translatable_in_the_plugins_text_domain():
    domains = set()
    for path in PLUGIN.rglob("*.php"):
        domains |= set(
            re.findall(
                r"\b(?:__|_e|esc_html__|esc_html_e|esc_attr__|esc_attr_e)\([^;]*?'([a-z0-9-]+)'\)", path.read_text()
            )
        )
    assert domains == {"igny8-bridge"}


def test_make_plugin_builds_an_installable_zip_without_the_developer_files(plugin_zip: Path):
    with zipfile.ZipFile(plugin_zip) as archive:
        names = archive.namelist()
        header = archive.read("igny8-bridge/igny8-bridge.php").decode()
    assert "igny8-bridge/uninstall.php" in names and "igny8-bridge/includes/class-rest.php" in names
    assert all(name.startswith("igny8-bridge/") for name in names)
    assert not [n for n in names if "/tests/" in n or n.endswith(".dist")]
    for field in ("Plugin Name:", "Version:", "Requires PHP:", "Text Domain:       igny8-bridge", "License:"):
        assert field in header
