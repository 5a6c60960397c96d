"""Each worker's kept rows and pages (xuexin.memo): stamps, staleness, and the shared cache."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from xuexin import memo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_stamps_stand_until_renewed():
    first = memo.current("a", "b")
    assert first is not None and memo.current("a", "b") == first
    memo.renew("a")
    second = memo.current("a", "b")
    assert second[0] != first[0] and second[1] == first[1]


def test_renewal_happens_again_when_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        memo.renew("a")
        during = memo.current("a")  # another reader, before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    assert memo.current("a") != during


def test_a_copy_is_used_only_under_the_stamps_it_was_made_under():
    kept = memo.Memo()
    stamps = memo.current("row:1")
    kept.put("row", stamps, {"name": "韦明华"})
    assert kept.get("row", stamps) == {"name": "韦明华"}
    memo.renew("row:1")
    assert kept.get("row", memo.current("row:1")) is None
    assert kept.get("row", None) is None


def test_every_hit_is_a_fresh_object():
    kept = memo.Memo()
    stamps = memo.current("row:1")
    kept.put("row", stamps, {"tags": []})
    first = kept.get("row", stamps)
    first["tags"].append("changed by one request")
    assert kept.get("row", stamps) == {"tags": []}


def test_a_copy_is_never_used_after_max_age(monkeypatch):
    kept = memo.Memo()
    stamps = memo.current("row:1")
    clock = [1000.0]
    monkeypatch.setattr(memo.time, "monotonic", lambda: clock[0])
    kept.put("row", stamps, "value")
    clock[0] += memo.MAX_AGE - 1
    assert kept.get("row", stamps) == "value"
    clock[0] += 2
    assert kept.get("row", stamps) is None


def test_the_memo_is_bounded():
    kept = memo.Memo(max_entries=3)
    stamps = memo.current("s")
    for n in range(5):
        kept.put(n, stamps, n)
    assert [kept.get(n, stamps) for n in range(5)] == [None, None, 2, 3, 4]


def test_without_a_shared_cache_nothing_is_kept(redis_down):
    assert memo.current("a") is None
    memo.renew("a")  # must not raise: the writer's request goes on


def test_with_redis_stamps_are_plain_tokens_under_the_cache_prefix(real_redis):
    stamps = memo.current("account:7")
    assert stamps is not None
    assert real_redis.get("xuexin-test:1:stamp:account:7").decode() == stamps[0]
    memo.renew("account:7")
    assert real_redis.get("xuexin-test:1:stamp:account:7") is None
    assert memo.current("account:7") != stamps


def test_a_kept_page_gets_each_requests_nonce_and_csrf_token():
    from django.contrib.auth.models import AnonymousUser

    kept = memo.Memo()
    stamps = memo.current("page")
    bodies = []
    for nonce in ("first-nonce-value", "second-nonce-value"):
        request = RequestFactory().get("/")
        request.csp_nonce = nonce
        request.user = AnonymousUser()
        response = memo.render_kept(request, kept, "k", stamps, "base.html", lambda: {})
        bodies.append(response.content.decode())
    assert kept.get("k", stamps) is not None  # the second response came from the kept page
    for body, nonce in zip(bodies, ("first-nonce-value", "second-nonce-value"), strict=True):
        assert f'nonce="{nonce}"' in body
        assert memo.NONCE_MARK not in body and memo.CSRF_MARK not in body
    tokens = [body.split('name="csrfmiddlewaretoken" value="')[1][:64] for body in bodies]
    assert tokens[0] != tokens[1]
