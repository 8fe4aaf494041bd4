"""A private, real WordPress on 127.0.0.1 for tests (recipe: shared/WORDPRESS-TESTBED.md).

Debian's WordPress tree is copied into a work folder with our own wp-config.php, served by PHP's built-in
server; its database is a private MariaDB started with --no-defaults (so nothing in /etc/mysql is read).
Both run in their own process groups (setsid) and are stopped by killing those groups, or the PHP worker
children would keep the port.
"""

from __future__ import annotations

import getpass
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

WORDPRESS_SOURCE = Path("/usr/share/wordpress")
MU_PLUGINS = Path(__file__).parent / "mu-plugins"
REQUIRED_TOOLS = ("php", "mariadbd")  # mariadb-install-db and the mariadb client come with mariadbd
ADMIN_USER = "admin"
STAND_IN_PLUGIN = "igny8-bridge.php"  # the must-use stand-in; install_plugin() replaces it with a real plugin
NO_MAIL_PHP = "<?php\n// There is no sendmail on the test machines.\nadd_filter('pre_wp_mail', '__return_false');\n"

PHP_BOOTSTRAP = """<?php
// Loads WordPress for a command-line snippet (as WP-CLI would), then runs it.
$_SERVER['HTTP_HOST'] = $argv[1];
$_SERVER['SERVER_NAME'] = '127.0.0.1';
$_SERVER['SERVER_PORT'] = explode(':', $argv[1])[1];
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['REQUEST_METHOD'] = 'GET';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
require __DIR__ . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
"""

ROUTER_PHP = """<?php
// Real files are served as they are; everything else (pretty permalinks, /wp-json/...) goes to WordPress.
$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
if ($path !== '/' && is_file(__DIR__ . $path)) {
    return false;
}
$_SERVER['SCRIPT_NAME'] = '/index.php';
require __DIR__ . '/index.php';
"""

INSTALL_PHP = """<?php
// Installs WordPress without a browser, empties it, and prints a fresh application password as JSON.
[$script, $host] = $argv;
$_SERVER['HTTP_HOST'] = $host;
$_SERVER['SERVER_NAME'] = '127.0.0.1';
$_SERVER['SERVER_PORT'] = explode(':', $host)[1];
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['REQUEST_METHOD'] = 'GET';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
define('WP_INSTALLING', true);
require __DIR__ . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
if (!is_blog_installed()) {
    wp_install('IGNY8 testbed', 'admin', 'admin@example.test', false, '', wp_generate_password(24));
}
foreach (get_posts(['post_type' => ['post', 'page'], 'post_status' => 'any', 'numberposts' => -1]) as $post) {
    wp_delete_post($post->ID, true);  // "Hello world!", "Sample Page" and the privacy policy draft
}
global $wp_rewrite;
$wp_rewrite->set_permalink_structure('/%postname%/');
$wp_rewrite->flush_rules(false);
$user = get_user_by('login', 'admin');
$created = WP_Application_Passwords::create_new_application_password($user->ID, ['name' => 'igny8-tests']);
if (is_wp_error($created)) {
    fwrite(STDERR, $created->get_error_message());
    exit(1);
}
echo json_encode(['user' => 'admin', 'application_password' => $created[0]]);
"""


def _tool_path(name: str) -> str | None:
    """A program on PATH or in the sbin folders (mariadbd lives in /usr/sbin, often not on a user's PATH)."""
    return shutil.which(name, path=os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"]))


def _tool(name: str) -> str:
    path = _tool_path(name)
    if path is None:
        raise RuntimeError(f"{name} is not installed: apt-get install wordpress php-cli php-mysql mariadb-server")
    return path


def missing_tools() -> list[str]:
    """What this machine lacks to run the testbed (empty when it can run)."""
    missing = [tool for tool in REQUIRED_TOOLS if _tool_path(tool) is None]
    if not (WORDPRESS_SOURCE / "wp-load.php").exists():
        missing.append(str(WORDPRESS_SOURCE))
    return missing


def free_ports(count: int) -> list[int]:
    """Ports free on 127.0.0.1 now (held open together, so they differ)."""
    probes = [socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _ in range(count)]
    try:
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [int(probe.getsockname()[1]) for probe in probes]
    finally:
        for probe in probes:
            probe.close()


def _wait_until(check: Callable[[], bool], process: subprocess.Popen, what: str, log: Path, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and process.poll() is None:
        if check():
            return
        time.sleep(0.05)
    tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
    state = f"exited with {process.returncode}" if process.poll() is not None else f"is not up after {timeout_s:.0f}s"
    raise RuntimeError(f"{what} {state}; the end of {log}:\n{tail}")


def _stop_group(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    for sig, grace_s in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(process.pid, sig)  # the group is the process's own (start_new_session)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=grace_s)
            return
        except subprocess.TimeoutExpired:
            continue


@dataclass
class WordPressTestbed:
    """One running WordPress. ``reset()`` empties it and issues a new application password."""

    work_dir: Path
    db_port: int
    http_port: int
    application_password: str = ""
    start_seconds: float = 0.0
    plugins: list[str] = field(default_factory=list)  # activated again by reset()
    _db_password: str = field(default_factory=lambda: secrets.token_urlsafe(16), repr=False)
    _database: subprocess.Popen | None = field(default=None, repr=False)
    _server: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def username(self) -> str:
        return ADMIN_USER

    @property
    def site_dir(self) -> Path:
        return self.work_dir / "site"

    @property
    def _datadir(self) -> Path:
        return self.work_dir / "mariadb"

    @property
    def _socket(self) -> Path:
        return self.work_dir / "mariadb.sock"

    @classmethod
    def start(cls, work_dir: Path) -> WordPressTestbed:
        started = time.perf_counter()
        db_port, http_port = free_ports(2)
        bed = cls(work_dir=work_dir, db_port=db_port, http_port=http_port)
        work_dir.mkdir(parents=True, exist_ok=True)
        try:
            bed._start_database()
            bed._prepare_site()
            bed._create_wordpress_database()
            bed._install()
            bed._serve()
        except BaseException:
            bed.stop()
            raise
        bed.start_seconds = time.perf_counter() - started
        return bed

    def reset(self) -> None:
        """An empty site again: drop and recreate the database, install again, forget the uploads."""
        self._sql("DROP DATABASE IF EXISTS wordpress")
        self._create_wordpress_database()
        shutil.rmtree(self.site_dir / "wp-content" / "uploads", ignore_errors=True)
        self._install()
        for plugin in self.plugins:
            self.activate_plugin(plugin)

    def install_plugin(self, zip_path: Path) -> str:
        """Installs a plugin from its zip, in place of the stand-in must-use plugin, and activates it."""
        mu_plugins = self.site_dir / "wp-content" / "mu-plugins"
        (mu_plugins / STAND_IN_PLUGIN).unlink(missing_ok=True)
        (mu_plugins / "igny8-testbed-no-mail.php").write_text(NO_MAIL_PHP)
        with zipfile.ZipFile(zip_path) as archive:
            folder = archive.namelist()[0].split("/")[0]
            archive.extractall(self.site_dir / "wp-content" / "plugins")
        plugin = f"{folder}/{folder}.php"
        self.activate_plugin(plugin)
        self.plugins.append(plugin)
        return plugin

    def activate_plugin(self, plugin: str) -> None:
        self.run_php(
            f"$r = activate_plugin({json.dumps(plugin)});"
            " if (is_wp_error($r)) { fwrite(STDERR, $r->get_error_message()); exit(1); }"
        )

    def run_php(self, code: str) -> str:
        """Runs PHP code inside this WordPress (like `wp eval`) and returns what it printed."""
        script = self.site_dir / f"igny8-eval-{secrets.token_hex(4)}.php"
        script.write_text(PHP_BOOTSTRAP + code + "\n")
        try:
            result = subprocess.run(
                [_tool("php"), str(script), f"127.0.0.1:{self.http_port}"],
                cwd=self.site_dir,
                capture_output=True,
                text=True,
                timeout=120,
            )
        finally:
            script.unlink(missing_ok=True)
        if result.returncode != 0:
            raise RuntimeError(f"PHP failed in WordPress: {(result.stderr or result.stdout)[-2000:]}")
        return result.stdout

    def take_down(self) -> None:
        """WordPress goes away (its web server stops; the database keeps its data)."""
        _stop_group(self._server)
        self._server = None

    def bring_back(self) -> None:
        self._serve()

    @property
    def is_up(self) -> bool:
        return self._server is not None

    def stop(self) -> None:
        _stop_group(self._server)
        _stop_group(self._database)
        self._server = self._database = None

    # -- database -------------------------------------------------------------------------------------

    def _start_database(self) -> None:
        os_user = getpass.getuser()
        log = self.work_dir / "mariadb.log"
        subprocess.run(
            [
                _tool("mariadb-install-db"),
                "--no-defaults",
                f"--datadir={self._datadir}",
                f"--user={os_user}",
                "--auth-root-authentication-method=socket",
                "--skip-test-db",
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        with log.open("ab") as out:
            self._database = subprocess.Popen(
                [
                    _tool("mariadbd"),
                    "--no-defaults",
                    f"--datadir={self._datadir}",
                    f"--socket={self._socket}",
                    f"--port={self.db_port}",
                    "--bind-address=127.0.0.1",
                    f"--user={os_user}",
                    f"--pid-file={self.work_dir / 'mariadb.pid'}",
                    "--skip-log-bin",
                    # a throw-away database: durability is not worth the fsyncs
                    "--innodb-flush-log-at-trx-commit=0",
                    "--innodb-doublewrite=0",
                    "--sync-frm=0",
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        ready = lambda: self._socket.exists() and self._sql_ok("SELECT 1")  # noqa: E731
        _wait_until(ready, self._database, "MariaDB", log, timeout_s=60)

    def _sql_ok(self, statement: str) -> bool:
        return self._run_sql(statement).returncode == 0

    def _run_sql(self, statement: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [
                _tool("mariadb"),
                "--no-defaults",
                f"--socket={self._socket}",
                f"--user={getpass.getuser()}",
                "-e",
                statement,
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )

    def _sql(self, statement: str) -> None:
        result = self._run_sql(statement)
        if result.returncode != 0:
            raise RuntimeError(f"MariaDB refused {statement.split()[0]}: {result.stderr.strip()}")

    def _create_wordpress_database(self) -> None:
        self._sql(
            "CREATE DATABASE IF NOT EXISTS wordpress CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;"
            f"CREATE USER IF NOT EXISTS 'wordpress'@'127.0.0.1' IDENTIFIED BY '{self._db_password}';"
            "GRANT ALL PRIVILEGES ON wordpress.* TO 'wordpress'@'127.0.0.1';"
        )

    # -- site -----------------------------------------------------------------------------------------

    def _prepare_site(self) -> None:
        shutil.copytree(WORDPRESS_SOURCE, self.site_dir, symlinks=True)
        for debian_file in ("wp-config.php", ".htaccess"):
            (self.site_dir / debian_file).unlink(missing_ok=True)
        salts = "\n".join(
            f"define('{key}', '{secrets.token_hex(32)}');"
            for key in (
                "AUTH_KEY",
                "SECURE_AUTH_KEY",
                "LOGGED_IN_KEY",
                "NONCE_KEY",
                "AUTH_SALT",
                "SECURE_AUTH_SALT",
                "LOGGED_IN_SALT",
                "NONCE_SALT",
            )
        )
        (self.site_dir / "wp-config.php").write_text(f"""<?php
define('DB_NAME', 'wordpress');
define('DB_USER', 'wordpress');
define('DB_PASSWORD', '{self._db_password}');
define('DB_HOST', '127.0.0.1:{self.db_port}');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
{salts}
$table_prefix = 'wp_';
define('WP_ENVIRONMENT_TYPE', 'local');  // application passwords over plain http
define('WP_HOME', '{self.base_url}');
define('WP_SITEURL', '{self.base_url}');
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('WP_DEBUG', false);
if (!defined('ABSPATH')) {{
    define('ABSPATH', __DIR__ . '/');
}}
require_once ABSPATH . 'wp-settings.php';
""")
        (self.site_dir / "router.php").write_text(ROUTER_PHP)
        (self.site_dir / "igny8-install.php").write_text(INSTALL_PHP)
        plugins = self.site_dir / "wp-content" / "mu-plugins"
        plugins.mkdir(parents=True, exist_ok=True)
        for plugin in MU_PLUGINS.glob("*.php"):
            shutil.copy(plugin, plugins / plugin.name)

    def _install(self) -> None:
        result = subprocess.run(
            [_tool("php"), str(self.site_dir / "igny8-install.php"), f"127.0.0.1:{self.http_port}"],
            cwd=self.site_dir,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if result.returncode != 0:
            raise RuntimeError(f"the WordPress install script failed: {result.stderr[-2000:] or result.stdout[-2000:]}")
        self.application_password = json.loads(result.stdout.strip().splitlines()[-1])["application_password"]

    def _serve(self) -> None:
        log = self.work_dir / "php-server.log"
        with log.open("ab") as out:
            self._server = subprocess.Popen(
                [
                    _tool("php"),
                    "-d",
                    "upload_max_filesize=16M",
                    "-d",
                    "post_max_size=16M",
                    "-S",
                    f"127.0.0.1:{self.http_port}",
                    "-t",
                    str(self.site_dir),
                    str(self.site_dir / "router.php"),
                ],
                cwd=self.site_dir,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env={**os.environ, "PHP_CLI_SERVER_WORKERS": "4"},
                start_new_session=True,
            )
        _wait_until(self._answers, self._server, "the PHP server", log, timeout_s=30)

    def _answers(self) -> bool:
        try:
            return httpx.get(f"{self.base_url}/wp-json/", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False
