"""The sidebar the login page includes: 注册对象, 涉及内容 and 使用提醒."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string

pytestmark = pytest.mark.django_db

TEMPLATE = "helpcenter/includes/login_sidebar.html"


def test_it_shows_the_three_sections():
    html = render_to_string(TEMPLATE)

    assert "注册对象" in html
    assert "涉及内容" in html
    assert "使用提醒" in html


def test_registration_is_open_to_graduates_since_2002_by_default():
    assert "2002 年以来取得国家承认学历的高校毕业生" in render_to_string(TEMPLATE)


def test_the_since_year_comes_from_the_settings(settings):
    settings.HELP_REGISTRATION_SINCE_YEAR = 2008

    assert "2008 年以来" in render_to_string(TEMPLATE)


def test_it_links_to_the_help_articles(help_content):
    html = render_to_string(TEMPLATE)

    assert 'href="/help/registration/id-number-taken/"' in html
    assert 'href="/help/"' in html


def test_it_leaves_out_links_to_articles_that_do_not_exist():
    html = render_to_string(TEMPLATE)

    assert "/help/registration/" not in html
    assert 'href="/help/"' in html
