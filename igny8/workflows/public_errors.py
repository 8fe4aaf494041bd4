"""What a person is told when something fails: a message that says what to fix, never exception text.

Exception text from libraries (LiteLLM, httpx, psycopg) can carry API keys, URLs with credentials or
internals; it goes to the server log only, under the request id (or the chat session id). Our own domain
errors are written for people (the catalog's "unknown sector ...", an edit that breaks a constraint), so
their text is shown as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

import litellm
import openai
import psycopg

from igny8.agents.architect import TemplateRefused
from igny8.catalog.loader import CatalogError
from igny8.llm.credits import OutOfCredits
from igny8.llm.gateway import ModelOutputError, ModelRequestsForbidden
from igny8.memory.database import DatabaseUnavailable
from igny8.memory.secret_box import SecretKeyMissing, SecretUnreadable
from igny8.memory.tenancy import NotFound
from igny8.tools.backlinks.marketplace import MarketplaceError
from igny8.tools.crawl.crawler import CrawlRefused
from igny8.tools.integrations.wordpress_client import (
    WordPressAuthError,
    WordPressError,
    WordPressTimeout,
    WordPressUnreachable,
)
from igny8.tools.keyword_files.reading import KeywordFileError
from igny8.tools.sag.attribute_edits import EditError
from igny8.tools.sag.attribute_population import PopulationError
from igny8.tools.search_console.credentials import CredentialFileError
from igny8.tools.search_console.errors import BadRequest as SearchConsoleBadRequest
from igny8.tools.search_console.errors import QuotaExceeded as SearchConsoleQuota
from igny8.tools.search_console.errors import ReconnectNeeded, SearchConsoleError
from igny8.workflows.site_setup import SiteLimitReached

INTERNAL_ERROR = "internal error; the request id identifies it in the server log"


@dataclass(frozen=True, slots=True)
class PublicError:
    status_code: int
    message: str


# Our own errors, whose text is written for the person who reads it.
_OWN_TEXT: tuple[tuple[type[BaseException], int], ...] = (
    (NotFound, 404),
    (OutOfCredits, 402),
    (SiteLimitReached, 409),
    (MarketplaceError, 502),
    (CatalogError, 422),
    (EditError, 422),
    (TemplateRefused, 422),
    (PopulationError, 422),
    (CrawlRefused, 422),
    (KeywordFileError, 422),
    (CredentialFileError, 422),
    (ReconnectNeeded, 409),  # its text names the site and the command that reconnects it
    (SearchConsoleBadRequest, 422),  # Google's own reason (a property the credential may not read)
)

# Everything else we know: a fixed message; the exception's text stays in the log. Order matters (subclasses first).
_FIXED: tuple[tuple[type[BaseException], int, str], ...] = (
    (
        litellm.AuthenticationError,
        502,
        "the model provider refused the API key: check IGNY8_MODEL_API_KEY (and that it belongs to the "
        "provider of the configured model)",
    ),
    (
        litellm.PermissionDeniedError,
        502,
        "the model provider denied access to the model: check that IGNY8_MODEL_API_KEY may use the configured "
        "model (IGNY8_DEFAULT_MODEL or the role's IGNY8_<ROLE>_MODEL)",
    ),
    (
        litellm.RateLimitError,
        503,
        "the model provider is rate limiting or out of quota: try again later, or lower IGNY8_PROVIDER_CONCURRENCY",
    ),
    (
        litellm.Timeout,
        504,
        "the model provider did not answer in time: try again, or raise IGNY8_MODEL_TIMEOUT_S",
    ),
    (
        litellm.APIConnectionError,
        502,
        "cannot reach the model provider: check IGNY8_MODEL_API_BASE and that the provider is up",
    ),
    (
        litellm.ContextWindowExceededError,
        502,
        "the request is too long for the configured model: choose a model with a larger context window",
    ),
    (
        litellm.NotFoundError,
        502,
        "the model provider does not know the configured model: check IGNY8_DEFAULT_MODEL and the role's "
        "IGNY8_<ROLE>_MODEL",
    ),
    (
        litellm.BadRequestError,
        502,
        "the model provider refused the request: check the configured model names and IGNY8_MODEL_API_BASE",
    ),
    (
        openai.APIError,  # every LiteLLM provider error derives from it
        502,
        "the model provider failed to answer: try again later, or configure IGNY8_FALLBACK_MODELS",
    ),
    (
        ModelOutputError,
        502,
        "the model's answer did not fit the expected structure, even after a repair attempt: try again, or "
        "configure a more capable model (IGNY8_DEFAULT_MODEL or the role's IGNY8_<ROLE>_MODEL)",
    ),
    (
        ModelRequestsForbidden,
        503,
        "real model requests are switched off in this process (the test run): use the fake model igny8-fake/lorem",
    ),
    (
        SecretKeyMissing,
        503,
        "the server has no IGNY8_SECRET_KEY to read stored credentials: the operator must set it",
    ),
    (
        SecretUnreadable,
        409,
        "a stored credential cannot be decrypted: IGNY8_SECRET_KEY changed since it was saved; set "
        "IGNY8_SECRET_KEY_PREVIOUS to the old key, or connect the site again",
    ),
    (
        WordPressAuthError,
        502,
        "WordPress refused the stored application password (or it can no longer be decrypted): connect the "
        "site again with a new application password",
    ),
    (
        WordPressTimeout,
        504,
        "WordPress did not answer in time: try again; a write may or may not have happened",
    ),
    (
        WordPressUnreachable,
        502,
        "WordPress cannot be reached at the site's connection URL: check the URL and that the IGNY8 plugin is active",
    ),
    (WordPressError, 502, "WordPress refused a request: see the site's publish log and try again"),
    (
        SearchConsoleQuota,
        503,
        "Search Console's quota is spent or it is rate limiting: the work left waits for the next run",
    ),
    (SearchConsoleError, 502, "Search Console did not answer (an outage or a timeout): try again later"),
    (
        DatabaseUnavailable,
        503,
        "the database is unavailable: try again shortly; the request id identifies it in the server log",
    ),
    (
        psycopg.OperationalError,
        503,
        "the database is unavailable: try again shortly; the request id identifies it in the server log",
    ),
)

KNOWN_ERRORS: tuple[type[BaseException], ...] = tuple(kind for kind, _ in _OWN_TEXT) + tuple(
    kind for kind, _, _ in _FIXED
)


def public_error(exc: BaseException) -> PublicError | None:
    """The status and message to show for ``exc``; None for an unexpected error (a generic message then)."""
    for kind, status in _OWN_TEXT:
        if isinstance(exc, kind):
            return PublicError(status, str(exc))
    for kind, status, message in _FIXED:
        if isinstance(exc, kind):
            return PublicError(status, message)
    return None
