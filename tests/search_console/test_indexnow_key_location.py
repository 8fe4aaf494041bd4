"""The IndexNow key and the location of its file are checked before anything is sent: a malformed key, a
location off the site's host or not the key's file, and URLs outside the key file's folder are refused with what
to fix (an unreachable endpoint proves nothing was posted: that would read "cannot reach")."""

from __future__ import annotations

import httpx
import pytest

from igny8.tools.search_console.indexnow import IndexNowError, check_key, check_key_location, submit_urls

SITE = "https://brightsmile.example"
KEY = "0123456789abcdef"
NOWHERE = "http://127.0.0.1:9/indexnow"  # the discard port: a request sent there fails with "cannot reach"


@pytest.mark.parametrize("bad", ["short", "x" * 129, "with space1", "under_score1", "abcd1234\n", "clé-12345678"])
def test_a_malformed_key_is_refused(bad: str) -> None:
    with pytest.raises(IndexNowError, match="8–128 letters"):
        check_key(bad)


def test_a_key_of_the_protocol_is_kept() -> None:
    assert check_key(KEY) == KEY and check_key("A-b" * 40) == "A-b" * 40


@pytest.mark.parametrize(
    ("location", "problem"),
    [
        (f"https://elsewhere.example/{KEY}.txt", "not on the site's host"),
        (f"ftp://brightsmile.example/{KEY}.txt", "not on the site's host"),
        (f"{SITE}/other-key-1234.txt", "is not the file"),
        (f"{SITE}/{KEY}.txt?x=1", "is not the file"),
        (f"{SITE}/{KEY}.html", "is not the file"),
    ],
)
def test_a_location_that_is_not_the_keys_file_on_the_host_is_refused(location: str, problem: str) -> None:
    with pytest.raises(IndexNowError, match=problem):
        check_key_location(location, site_url=SITE, key=KEY)


def test_urls_outside_the_key_files_folder_are_refused_before_sending() -> None:
    with httpx.Client(timeout=2) as http:
        with pytest.raises(IndexNowError, match=r"1 URLs are outside /blog/"):
            submit_urls(
                http,
                NOWHERE,
                site_url=SITE,
                key=KEY,
                urls=[f"{SITE}/blog/a/", f"{SITE}/shop/b/"],
                location=f"{SITE}/blog/{KEY}.txt",
            )
        with pytest.raises(IndexNowError, match="cannot reach"):  # within the folder: it is sent
            submit_urls(
                http, NOWHERE, site_url=SITE, key=KEY, urls=[f"{SITE}/blog/a/"], location=f"{SITE}/blog/{KEY}.txt"
            )
