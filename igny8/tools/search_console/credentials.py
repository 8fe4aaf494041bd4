"""The credential files a site owner downloads from Google Cloud, validated: an OAuth client for an installed
app (``{"installed": {...}}``) and a service account key (``{"type": "service_account", ...}``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from cryptography.hazmat.primitives.serialization import load_pem_private_key
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

SCOPE = "https://www.googleapis.com/auth/webmasters.readonly"
MAX_FILE_BYTES = 64 * 1024


class CredentialFileError(ValueError):
    """A credential file that cannot be used; the message says what is wrong with it."""


class InstalledClient(BaseModel):
    model_config = ConfigDict(extra="ignore")

    client_id: str = Field(min_length=1, max_length=300)
    client_secret: str = Field(min_length=1, max_length=300)
    auth_uri: str = "https://accounts.google.com/o/oauth2/auth"


class ServiceAccountKey(BaseModel):
    model_config = ConfigDict(extra="ignore")

    type: Literal["service_account"]
    client_email: str = Field(min_length=3, max_length=300, pattern=r"^[^@\s]+@[^@\s]+$")
    private_key: str = Field(min_length=100, max_length=10_000)
    private_key_id: str | None = None

    @field_validator("private_key")
    @classmethod
    def _pem_key(cls, value: str) -> str:
        try:
            load_pem_private_key(value.encode(), password=None)
        except (ValueError, TypeError) as exc:
            raise ValueError("private_key is not a PEM private key") from exc
        return value


def _parse_json(text: str, source: str, what: str) -> dict[str, object]:
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise CredentialFileError(f"{source} is too large for {what} (over {MAX_FILE_BYTES // 1024} KiB)")
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise CredentialFileError(f"{source} is not JSON: download {what} again from Google Cloud") from exc
    if not isinstance(data, dict):
        raise CredentialFileError(f"{source} is not {what}: expected a JSON object")
    return data


def _read_json(path: Path, what: str) -> dict[str, object]:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise CredentialFileError(f"{path} is too large for {what} (over {MAX_FILE_BYTES // 1024} KiB)")
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CredentialFileError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except UnicodeError as exc:
        raise CredentialFileError(f"{path} is not JSON: download {what} again from Google Cloud") from exc
    return _parse_json(text, str(path), what)


def _explain(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'file'}: {e['msg']}" for e in exc.errors()[:5])


def load_installed_client(path: Path) -> InstalledClient:
    return _installed_client(_read_json(path, "an OAuth client file"), str(path))


def parse_installed_client(text: str, source: str) -> InstalledClient:
    """An OAuth client file's text (uploaded or pasted); ``source`` names it in the messages."""
    return _installed_client(_parse_json(text, source, "an OAuth client file"), source)


def _installed_client(data: dict[str, object], path: str) -> InstalledClient:
    section = data.get("installed")
    if not isinstance(section, dict):
        kind = "a web application client" if "web" in data else "not an OAuth client file"
        raise CredentialFileError(
            f"{path} is {kind}: create an OAuth client of type 'Desktop app' and download its JSON"
        )
    try:
        return InstalledClient.model_validate(section)
    except ValidationError as exc:
        raise CredentialFileError(f"{path}: {_explain(exc)}") from exc


def load_service_account(path: Path) -> ServiceAccountKey:
    return _service_account(_read_json(path, "a service account key"), str(path))


def parse_service_account(text: str, source: str) -> ServiceAccountKey:
    """A service account key's text (uploaded); ``source`` names it in the messages."""
    return _service_account(_parse_json(text, source, "a service account key"), source)


def _service_account(data: dict[str, object], path: str) -> ServiceAccountKey:
    try:
        return ServiceAccountKey.model_validate(data)
    except ValidationError as exc:
        raise CredentialFileError(f"{path} is not a usable service account key: {_explain(exc)}") from exc
