"""The home page, the shared layout (header, footer, language switch) and the nav pages."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

SIMULATION_MARK = "仿真系统"

# The home page lists the latest announcements (通知公告) from the database.
pytestmark = pytest.mark.django_db


class _PageParser(HTMLParser):
    """Collects every <a href> and the text inside <header> and <footer>."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.header_text = ""
        self.footer_text = ""
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"header", "footer"}:
            self._open.append(tag)
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)

    def handle_endtag(self, tag: str) -> None:
        if self._open and self._open[-1] == tag:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if "header" in self._open:
            self.header_text += data
        if "footer" in self._open:
            self.footer_text += data


def parse(html: str) -> _PageParser:
    parser = _PageParser()
    parser.feed(html)
    parser.close()
    return parser


def internal_paths(hrefs: list[str]) -> set[str]:
    """Links that stay on this site, without their fragment; "#main" and the like are skipped."""
    paths = set()
    for href in hrefs:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        paths.add(parts.path + (f"?{parts.query}" if parts.query else ""))
    return paths


def switch_language(client: Client, language: str) -> None:
    response = client.post(reverse("set_language"), {"language": language, "next": "/"})
    assert response.status_code == 302


def test_home_returns_200_with_the_simulation_mark_in_header_and_footer(client: Client) -> None:
    response = client.get(reverse("home"))
    page = parse(response.content.decode())

    assert response.status_code == 200
    assert SIMULATION_MARK in page.header_text
    assert SIMULATION_MARK in page.footer_text


def test_home_shows_every_service_block(client: Client) -> None:
    html = client.get(reverse("home")).content.decode()

    for block in ["学籍学历信息查询与认证服务", "学信档案", "学籍查询", "学历查询", "在线验证"]:
        assert block in html, f"home page lacks the {block} block"
    assert "通知公告" in html


def test_home_is_chinese_by_default(client: Client) -> None:
    html = client.get(reverse("home")).content.decode()

    assert '<html lang="zh-Hans">' in html
    assert ">English</button>" in html


@pytest.mark.django_db
def test_every_internal_link_on_the_home_page_answers_200(client: Client) -> None:
    html = client.get(reverse("home")).content.decode()
    paths = internal_paths(parse(html).hrefs)
    assert reverse("accounts:login") in paths, "the home page should link to the 学信档案 login"

    broken = {path: client.get(path, follow=True).status_code for path in sorted(paths)}
    broken = {path: status for path, status in broken.items() if status != 200}

    assert broken == {}


def test_switching_to_english_shows_the_english_home(client: Client) -> None:
    switch_language(client, "en")
    html = client.get(reverse("home")).content.decode()

    assert '<html lang="en">' in html
    assert "SIMULATION" in html
    assert "Simulation" in html
    assert "学籍学历信息查询与认证服务" not in html
    assert "学信档案" not in html


def test_switching_back_to_chinese_shows_the_chinese_home(client: Client) -> None:
    switch_language(client, "en")
    switch_language(client, "zh-hans")
    html = client.get(reverse("home")).content.decode()

    assert '<html lang="zh-Hans">' in html
    assert "学籍学历信息查询与认证服务" in html


def test_the_language_switch_returns_to_the_page_it_was_used_on(client: Client) -> None:
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("helpcenter:index")}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("helpcenter:index")


def test_the_english_footer_still_says_it_is_a_simulation(client: Client) -> None:
    switch_language(client, "en")
    page = parse(client.get(reverse("home")).content.decode())

    assert "simulation" in page.footer_text.lower()
    assert "fictitious" in page.footer_text


@pytest.mark.django_db
def test_healthz_returns_200_ok(client: Client) -> None:
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.parametrize("name", ["sitemap", "edu"])
def test_the_nav_pages_are_real_pages_in_both_languages(client: Client, name: str) -> None:
    assert client.get(reverse(name)).status_code == 200
    client.cookies["django_language"] = "en"
    html = client.get(reverse(name)).content.decode()
    assert 'lang="en"' in html
    assert "建设中" not in html


def test_the_sitemap_links_to_every_public_service(client: Client) -> None:
    html = client.get(reverse("sitemap")).content.decode()
    for name in (
        "accounts:register",
        "verification:verify",
        "verification:xueli",
        "helpcenter:index",
    ):
        assert reverse(name) in html


def test_the_edu_page_lists_the_schools(client: Client, people) -> None:
    assert "10558" in client.get(reverse("edu")).content.decode()


def test_favicon_ico_leads_to_the_portals_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"].endswith("/img/favicon.ico")


@pytest.fixture
def demo_mode(settings):
    """DEBUG on, as `make run` serves the demo, with the branded error pages installed."""
    settings.DEBUG = True
    if "xuexin.errors.BrandedErrorsMiddleware" not in settings.MIDDLEWARE:
        settings.MIDDLEWARE = [*settings.MIDDLEWARE, "xuexin.errors.BrandedErrorsMiddleware"]


@pytest.mark.django_db
def test_the_demo_answers_an_unknown_address_with_the_portals_404(client, demo_mode):
    response = client.get("/no-such-page/")
    html = response.content.decode()

    assert response.status_code == 404
    assert "仿真系统" in html
    assert "页面不存在" in html
    assert "URLconf" not in html  # not Django's technical page listing every pattern


@pytest.mark.django_db
def test_the_demo_still_adds_a_missing_slash(client, demo_mode):
    response = client.get("/help")

    assert response.status_code == 301
    assert response["Location"] == "/help/"


@pytest.mark.django_db
def test_the_demo_answers_a_404_raised_in_a_view_with_the_portals_page(client, demo_mode):
    response = client.get("/help/no-such-category/")

    assert response.status_code == 404
    assert "仿真系统" in response.content.decode()
