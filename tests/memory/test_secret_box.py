"""Credentials at rest: WordPress application passwords are stored as Fernet tokens, read back through the
configured key, re-encrypted after a key rotation or when a legacy plaintext row is first read, and a
wrong key is a clear "reconnect" error."""

from __future__ import annotations

import base64
import json
import stat
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from igny8.config import Settings
from igny8.memory.database import Database
from igny8.memory.secret_box import (
    KEY_FILE_NAME,
    SecretBox,
    SecretKeyMissing,
    SecretUnreadable,
    secret_box_for,
)
from igny8.memory.tenancy import create_account, create_site
from igny8.stages.publish import save_wordpress_connection, wordpress_client_for_site
from igny8.tools.integrations.wordpress_client import WordPressAuthError

PASSWORD = "abcd EFGH ijkl MNOP qrst UVWX"


# -- the box on its own -------------------------------------------------------------------------------------


def test_seal_and_open_with_a_fernet_key_and_with_a_passphrase() -> None:
    for key in (Fernet.generate_key().decode(), "a long operator passphrase, not a Fernet key"):
        box = SecretBox.from_keys(key)
        sealed = box.seal(PASSWORD)
        assert sealed.startswith("fernet:") and PASSWORD not in sealed
        assert box.open(sealed) == PASSWORD
        assert box.reseal(sealed) is None  # current key: nothing to do


def test_a_wrong_key_says_what_to_do_and_shows_no_secret() -> None:
    sealed = SecretBox.from_keys(Fernet.generate_key().decode()).seal(PASSWORD)
    other = SecretBox.from_keys(Fernet.generate_key().decode())
    with pytest.raises(SecretUnreadable) as raised:
        other.open(sealed, what="the test password")
    message = str(raised.value)
    assert "IGNY8_SECRET_KEY" in message and "IGNY8_SECRET_KEY_PREVIOUS" in message
    assert PASSWORD not in message and sealed not in message


def test_rotation_reads_old_tokens_and_reseals_them_under_the_new_key() -> None:
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    sealed_old = SecretBox.from_keys(old_key).seal(PASSWORD)
    rotated = SecretBox.from_keys(new_key, old_key)
    assert rotated.open(sealed_old) == PASSWORD
    resealed = rotated.reseal(sealed_old)
    assert resealed is not None and SecretBox.from_keys(new_key).open(resealed) == PASSWORD


def test_without_a_key_one_is_generated_once_in_the_data_dir_with_mode_0600(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "first", environment="development")
    sealed = secret_box_for(settings).seal(PASSWORD)
    key_file = tmp_path / "first" / KEY_FILE_NAME
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text().strip()
    # Another process (a fresh cache key: same folder) reads the same key file; nothing is regenerated.
    assert SecretBox.from_keys(key).open(sealed) == PASSWORD
    secret_box_for(Settings(data_dir=tmp_path / "first", environment="test"))
    assert key_file.read_text().strip() == key
    assert [p.name for p in (tmp_path / "first").iterdir()] == [KEY_FILE_NAME]


def test_production_refuses_to_start_without_a_key(tmp_path: Path) -> None:
    with pytest.raises(SecretKeyMissing, match="IGNY8_SECRET_KEY is not set"):
        secret_box_for(Settings(data_dir=tmp_path, environment="production"))
    assert not (tmp_path / KEY_FILE_NAME).exists()
    box = secret_box_for(Settings(data_dir=tmp_path, environment="production", secret_key="operator passphrase"))
    assert box.open(box.seal(PASSWORD)) == PASSWORD


# -- stored WordPress connections --------------------------------------------------------------------------


class _EchoAuth(BaseHTTPRequestHandler):
    """Answers /wp-json/wp/v2/users/me with the Basic credentials it received, like WordPress's user record."""

    def do_GET(self) -> None:  # noqa: N802 - the name http.server dispatches to
        header = self.headers.get("Authorization", "")
        user, _, password = base64.b64decode(header.removeprefix("Basic ")).decode().partition(":")
        body = json.dumps({"id": 1, "name": user, "password_seen": password}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def wordpress_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EchoAuth)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture()
def site(database: Database) -> tuple[int, int]:
    with database.connection() as conn:
        account = create_account(conn, name="secretive")
        created = create_site(
            conn,
            account_id=account,
            name="Secret site",
            url="https://example.com",
            site_type="local_service",
            industry="healthcare-medical",
            sectors=["dental-clinics"],
        )
    return account, created.id


def _stored(database: Database, site_id: int) -> str:
    with database.connection() as conn:
        row = conn.execute(
            "SELECT application_password_secret FROM wordpress_connections WHERE site_id = %s", (site_id,)
        ).fetchone()
    return row["application_password_secret"]


def _connect(conn: object, site: tuple[int, int], url: str, password: str, box: SecretBox) -> None:
    """Save the site's WordPress connection as `igny8 publish connect` does, sealed with ``box``."""
    account, site_id = site
    save_wordpress_connection(
        conn,  # type: ignore[arg-type]
        account_id=account,
        site_id=site_id,
        base_url=url,
        username="admin",
        application_password=password,
        secrets=box,
    )


def _password_sent(client: object) -> str:
    return client.current_user()["password_seen"]  # type: ignore[attr-defined]


def test_the_stored_bytes_hold_no_password_and_reading_back_gives_it(
    database: Database, site: tuple[int, int], wordpress_url: str
) -> None:
    account, site_id = site
    box = SecretBox.from_keys(Fernet.generate_key().decode())
    with database.connection() as conn:
        _connect(conn, site, wordpress_url, PASSWORD, box)
    stored = _stored(database, site_id)
    assert stored.startswith("fernet:")
    for fragment in (PASSWORD, PASSWORD.replace(" ", ""), "abcd", "UVWX"):
        assert fragment not in stored
    with database.connection() as conn:
        raw = conn.execute(
            "SELECT convert_to(application_password_secret, 'UTF8') AS b FROM wordpress_connections WHERE site_id = %s",
            (site_id,),
        ).fetchone()["b"]
    assert PASSWORD.encode() not in bytes(raw)
    with database.connection() as conn:
        client = wordpress_client_for_site(conn, account_id=account, site_id=site_id, secrets=box)
    with client:
        assert _password_sent(client) == PASSWORD
        assert PASSWORD not in repr(client)
    assert _stored(database, site_id) == stored  # current key: not rewritten on read


def test_the_longest_password_fits_once_sealed(database: Database, site: tuple[int, int], wordpress_url: str) -> None:
    account, site_id = site
    box = SecretBox.from_keys(Fernet.generate_key().decode())
    longest = "x" * 200
    with database.connection() as conn:
        _connect(conn, site, wordpress_url, longest, box)
        client = wordpress_client_for_site(conn, account_id=account, site_id=site_id, secrets=box)
    with client:
        assert _password_sent(client) == longest
    with database.connection() as conn, pytest.raises(ValueError, match="1–200 characters"):
        _connect(conn, site, wordpress_url, "x" * 201, box)


def test_a_legacy_plaintext_row_is_read_and_encrypted_in_place(
    database: Database, site: tuple[int, int], wordpress_url: str
) -> None:
    account, site_id = site
    with database.connection() as conn:  # what rows looked like before encryption
        conn.execute(
            "INSERT INTO wordpress_connections (site_id, base_url, username, application_password_secret)"
            " VALUES (%s, %s, 'admin', %s)",
            (site_id, wordpress_url, PASSWORD),
        )
    box = SecretBox.from_keys(Fernet.generate_key().decode())
    with database.connection() as conn:
        client = wordpress_client_for_site(conn, account_id=account, site_id=site_id, secrets=box)
    with client:
        assert _password_sent(client) == PASSWORD
    stored = _stored(database, site_id)
    assert stored.startswith("fernet:") and PASSWORD not in stored and box.open(stored) == PASSWORD


def test_a_rotated_key_still_reads_and_reseals_the_row(
    database: Database, site: tuple[int, int], wordpress_url: str
) -> None:
    account, site_id = site
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with database.connection() as conn:
        _connect(conn, site, wordpress_url, PASSWORD, SecretBox.from_keys(old_key))
        client = wordpress_client_for_site(
            conn, account_id=account, site_id=site_id, secrets=SecretBox.from_keys(new_key, old_key)
        )
    with client:
        assert _password_sent(client) == PASSWORD
    assert SecretBox.from_keys(new_key).open(_stored(database, site_id)) == PASSWORD


def test_a_changed_key_is_a_clear_reconnect_error(
    database: Database, site: tuple[int, int], wordpress_url: str
) -> None:
    account, site_id = site
    with database.connection() as conn:
        _connect(conn, site, wordpress_url, PASSWORD, SecretBox.from_keys(Fernet.generate_key().decode()))
    stored = _stored(database, site_id)
    with database.connection() as conn, pytest.raises(WordPressAuthError) as raised:
        wordpress_client_for_site(
            conn, account_id=account, site_id=site_id, secrets=SecretBox.from_keys(Fernet.generate_key().decode())
        )
    message = str(raised.value)
    assert "Reconnect the site" in message and "IGNY8_SECRET_KEY" in message
    assert PASSWORD not in message and stored.removeprefix("fernet:") not in message
    assert raised.value.__cause__ is None and raised.value.__suppress_context__
    assert _stored(database, site_id) == stored  # an unreadable row is left for the operator to fix
