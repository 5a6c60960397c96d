"""Every internal link answers: a crawl from the home page as a visitor and as a student.

The crawl follows <a href> links that stay on this site (GET only), skips the admin, the
language switch and logging out, and stops after MAX_PAGES pages. A link that ends in 404 or
500 fails the test with the page that linked to it. Pages still to be built answer 200 with a
"coming" page, which is fine.
"""

from __future__ import annotations

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client

from helpcenter.content import load_help_content

MAX_PAGES = 300
SKIPPED_PREFIXES = ("/admin/", "/i18n/", "/static/")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def internal_links(page_url: str, html: str) -> set[str]:
    parser = _Links()
    parser.feed(html)
    links = set()
    for href in parser.hrefs:
        if href.startswith("#"):
            continue  # the same page (a browser keeps its query string too)
        parts = urlsplit(urljoin(page_url, href))
        if parts.scheme not in {"", "http"} or parts.netloc not in {"", "testserver"}:
            continue
        if parts.path.startswith(SKIPPED_PREFIXES) or "logout" in parts.path:
            continue
        links.add(parts.path + (f"?{parts.query}" if parts.query else ""))
    return links


def crawl(client: Client) -> tuple[dict[str, tuple[int, str]], int]:
    """Broken links as {path: (status, linked from)}, and the number of pages visited."""
    queue: deque[tuple[str, str]] = deque([("/", "(start)")])
    seen = {"/"}
    broken: dict[str, tuple[int, str]] = {}
    visited = 0
    while queue and visited < MAX_PAGES:
        path, source = queue.popleft()
        response = client.get(path, follow=True)
        visited += 1
        statuses = [status for _url, status in response.redirect_chain] + [response.status_code]
        if any(status in {404, 500} for status in statuses) or response.status_code >= 400:
            broken[path] = (response.status_code, source)
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        query = response.request.get("QUERY_STRING", "")
        final_url = response.request["PATH_INFO"] + (f"?{query}" if query else "")
        for link in internal_links(final_url, response.content.decode()):
            if link not in seen:
                seen.add(link)
                queue.append((link, path))
    return broken, visited


@pytest.fixture
def help_content(db) -> None:
    load_help_content()


def test_no_internal_link_is_broken_for_an_anonymous_visitor(client, help_content):
    broken, visited = crawl(client)

    assert broken == {}
    assert visited > 20, "the crawl should reach the help centre's articles"


def test_no_internal_link_is_broken_for_a_logged_in_student(student_client, help_content):
    broken, visited = crawl(student_client)

    assert broken == {}
    assert visited > 20
