"""Search Console fixtures: the local Google server, settings pointing the production client at it, a
site, and credential files (an installed-app client and a service account with a fresh RSA key)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from igny8.catalog.loader import load_catalog
from igny8.config import Settings
from igny8.llm.embedder import FakeEmbedder
from igny8.llm.gateway import ModelGateway
from igny8.memory.database import Database
from igny8.memory.secret_box import SecretBox
from igny8.memory.tenancy import create_account, create_site
from igny8.services import Services
from igny8.workflows.search_console_connect import connect_service_account
from tests.search_console.google_server import GoogleServer, GoogleState, google_server

PROPERTY = "sc-domain:brightsmile.example"
SITE_URL = "https://brightsmile.example"


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture()
def google(rsa_key: rsa.RSAPrivateKey) -> Iterator[GoogleServer]:
    state = GoogleState(properties={PROPERTY}, service_account_public_key=rsa_key.public_key())
    with google_server(state) as server:
        yield server


@pytest.fixture()
def gsc_settings(data_dir: Path, google: GoogleServer) -> Settings:
    return Settings(
        data_dir=data_dir,
        embedder="fake",
        environment="test",
        default_model="igny8-fake/lorem",
        gsc_api_base=google.base_url,
        gsc_token_url=google.token_url,
        gsc_backoff_base_s=0.01,
        gsc_retry_attempts=3,
    )


@pytest.fixture()
def secrets() -> SecretBox:
    return SecretBox.from_keys("search-console-test-passphrase")


@pytest.fixture()
def site(database: Database) -> tuple[int, int]:
    with database.connection() as conn:
        account = create_account(conn, name="gsc tenant")
        created = create_site(
            conn,
            account_id=account,
            name="Bright Smile",
            url=SITE_URL,
            site_type="local_service",
            industry="healthcare-medical",
            sectors=["dental-clinics"],
        )
    return account, created.id


@pytest.fixture()
def client_file(tmp_path: Path, google: GoogleServer) -> Path:
    path = tmp_path / "client_secret.json"
    path.write_text(
        json.dumps(
            {
                "installed": {
                    "client_id": google.state.client_id,
                    "client_secret": google.state.client_secret,
                    "auth_uri": google.auth_url,
                    "token_uri": google.token_url,
                    "redirect_uris": ["http://localhost"],
                }
            }
        )
    )
    return path


@pytest.fixture()
def service_account_file(tmp_path: Path, google: GoogleServer, rsa_key: rsa.RSAPrivateKey) -> Path:
    pem = rsa_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    path = tmp_path / "service_account.json"
    path.write_text(
        json.dumps(
            {
                "type": "service_account",
                "project_id": "test-project",
                "private_key_id": "k1",
                "private_key": pem,
                "client_email": google.state.service_account_email,
                "client_id": "1234567890",
                "token_uri": google.token_url,
            }
        )
    )
    return path


@pytest.fixture()
def connected_site(
    database: Database, gsc_settings: Settings, secrets: SecretBox, site: tuple[int, int], service_account_file: Path
) -> int:
    """The site's id, connected to PROPERTY with the service account."""
    account, site_id = site
    connect_service_account(
        database,
        gsc_settings,
        secrets,
        account_id=account,
        site_id=site_id,
        prop=PROPERTY,
        key_file=service_account_file,
    )
    return site_id


@pytest.fixture()
def gsc_runtime(gsc_settings: Settings, database: Database, tmp_path: Path, google: GoogleServer) -> Iterator[Services]:
    """Services whose settings point at the local server (IndexNow included), with the fake model and embedder."""
    settings = gsc_settings.model_copy(
        update={
            "data_dir": tmp_path,
            "indexnow_endpoint": google.indexnow_url,
            "indexnow_key": google.state.indexnow_key,
        }
    )
    yield Services(settings, database, ModelGateway(settings, database), FakeEmbedder(), load_catalog())


def analytics_row(day: str, page: str, query: str, clicks: int, impressions: int, position: float) -> dict:
    return {
        "keys": [day, page, query],
        "clicks": clicks,
        "impressions": impressions,
        "ctr": clicks / impressions if impressions else 0.0,
        "position": position,
    }
