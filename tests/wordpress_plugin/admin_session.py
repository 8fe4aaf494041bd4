"""A logged-in administrator on the test bed, driving wp-admin's forms over HTTP as a browser would."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from tests.wordpress.testbed import WordPressTestbed


@contextmanager
def admin_session(bed: WordPressTestbed) -> Iterator[httpx.Client]:
    """Sets a known password for the admin, logs in through wp-login.php and yields the cookie session."""
    password = secrets.token_urlsafe(16)
    bed.run_php(f"wp_set_password('{password}', get_user_by('login', 'admin')->ID);")
    with httpx.Client(base_url=bed.base_url, timeout=60) as client:
        client.cookies.set("wordpress_test_cookie", "WP Cookie check")
        answer = client.post(
            "/wp-login.php",
            data={"log": bed.username, "pwd": password, "testcookie": "1", "redirect_to": f"{bed.base_url}/wp-admin/"},
        )
        assert answer.status_code == 302, answer.text[-1000:]
        yield client


def form_fields(html: str, action: str) -> dict[str, str]:
    """The hidden fields (the nonce among them) of the admin-post form whose action is ``action``."""
    for form in HTMLParser(html).css("form"):
        if form.css_first(f'input[name="action"][value="{action}"]') is not None:
            return {
                str(field.attributes["name"]): str(field.attributes.get("value") or "")
                for field in form.css("input[type=hidden]")
            }
    raise AssertionError(f"no form for {action} on the page")


def notice(html: str) -> str:
    node = HTMLParser(html).css_first("#igny8-notice")
    return node.text(strip=True) if node is not None else ""
