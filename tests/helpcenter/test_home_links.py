"""The home page's 帮助中心 block leads into the help centre."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def help_block(html: str) -> str:
    return html[html.index('id="help-title"') : html.index('id="news-title"')]


def test_the_help_block_links_to_the_most_asked_articles(client, help_content):
    block = help_block(client.get(reverse("home")).content.decode())

    assert 'href="/help/registration/id-number-taken/">身份证号重复</a>' in block
    assert 'href="/help/archive/online-verification-report/">在线验证报告</a>' in block
    assert 'href="/help/"' in block


def test_without_help_content_the_block_still_leads_to_the_help_centre(client):
    block = help_block(client.get(reverse("home")).content.decode())

    assert 'href="/help/"' in block
    assert "/help/registration/" not in block


def test_the_footer_links_to_the_help_centre(client):
    html = client.get(reverse("home")).content.decode()

    assert f'<a href="{reverse("helpcenter:index")}">帮助中心</a>' in html.split("site-footer")[1]
