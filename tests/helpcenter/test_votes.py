"""这个回答是否有用: one vote per visitor, POST only, counts for staff."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from helpcenter.models import ArticleVote
from helpcenter.services import VISITOR_SESSION_KEY

from .conftest import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return ArticleFactory()


def vote_url(article) -> str:
    return reverse("helpcenter:vote", args=[article.category.slug, article.slug])


def page_url(article) -> str:
    return reverse("helpcenter:article", args=[article.category.slug, article.slug])


def test_a_vote_is_counted_and_leads_back_to_the_article(client, article):
    response = client.post(vote_url(article), {"helpful": "yes"})

    assert response.status_code == 302
    assert response["Location"] == page_url(article) + "#vote"
    assert list(article.votes.values_list("helpful", flat=True)) == [True]


def test_a_second_vote_by_the_same_visitor_changes_nothing(client, article):
    client.post(vote_url(article), {"helpful": "yes"})
    client.post(vote_url(article), {"helpful": "no"})

    assert list(article.votes.values_list("helpful", flat=True)) == [True]


def test_two_visitors_each_get_a_vote(article):
    Client().post(vote_url(article), {"helpful": "yes"})
    Client().post(vote_url(article), {"helpful": "no"})

    assert article.votes.filter(helpful=True).count() == 1
    assert article.votes.filter(helpful=False).count() == 1


def test_after_voting_the_page_thanks_instead_of_asking_again(client, article):
    client.post(vote_url(article), {"helpful": "no"})

    html = client.get(page_url(article)).content.decode()

    assert "感谢您的反馈" in html
    assert 'name="helpful"' not in html


def test_the_visitor_key_is_a_hash_not_the_session_key_or_token(client, article):
    client.post(vote_url(article), {"helpful": "yes"})
    stored = ArticleVote.objects.get().visitor

    assert stored not in {client.session.session_key, client.session[VISITOR_SESSION_KEY]}
    assert len(stored) == 64


def test_it_rejects_get(client, article):
    assert client.get(vote_url(article)).status_code == 405


def test_it_requires_a_csrf_token(article):
    strict = Client(enforce_csrf_checks=True)

    assert strict.post(vote_url(article), {"helpful": "yes"}).status_code == 403
    assert not ArticleVote.objects.exists()


def test_an_answer_other_than_yes_or_no_is_refused(client, article):
    assert client.post(vote_url(article), {"helpful": "maybe"}).status_code == 400
    assert not ArticleVote.objects.exists()


def test_an_unpublished_article_cannot_be_voted_on(client):
    draft = ArticleFactory(is_published=False)

    assert client.post(vote_url(draft), {"helpful": "yes"}).status_code == 404


def test_staff_see_the_counts_on_the_article_page(admin_client_, article):
    Client().post(vote_url(article), {"helpful": "yes"})
    Client().post(vote_url(article), {"helpful": "no"})
    Client().post(vote_url(article), {"helpful": "yes"})

    html = admin_client_.get(page_url(article)).content.decode()

    assert "工作人员可见：有用 2 票，没用 1 票" in html


def test_visitors_do_not_see_the_counts(client, article):
    Client().post(vote_url(article), {"helpful": "yes"})

    assert "工作人员可见" not in client.get(page_url(article)).content.decode()
