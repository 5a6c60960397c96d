"""Public lookups: read from the database every time, one 查验记录 written per look, and the
address's budget (django-ratelimit through xuexin.throttle), with local memory and with Redis."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from verification import services
from verification.models import VerificationEvent, VerificationReport
from xuexin import throttle

pytestmark = pytest.mark.django_db


def lookup(client, report, **extra):
    return client.get(f"/verify/{report.code}/", **extra)


def test_a_closed_report_stops_showing_at_once(client, report):
    assert lookup(client, report).status_code == 200
    services.report_close(report=report, reason="已入职")
    assert lookup(client, report).status_code == 404


def test_a_report_closed_by_a_bulk_update_stops_showing_at_once(client, report):
    from django.utils import timezone

    lookup(client, report)
    VerificationReport.objects.filter(pk=report.pk).update(closed_at=timezone.now())
    assert lookup(client, report).status_code == 404


def test_an_extended_report_shows_its_new_date_at_once(client, report):
    lookup(client, report)
    extended = services.report_extend(report=report, months=6)
    assert extended.valid_until.strftime("%Y年%m月%d日") in lookup(client, report).content.decode()


def test_a_deleted_report_stops_showing_at_once(client, report):
    lookup(client, report)
    VerificationReport.objects.filter(pk=report.pk).get().delete()
    assert lookup(client, report).status_code == 404


def test_a_lookup_reads_the_report_and_writes_its_record(client, report, django_assert_num_queries):
    lookup(client, report)
    with django_assert_num_queries(2) as captured:
        assert lookup(client, report).status_code == 200
    statements = [query["sql"].split()[0] for query in captured.captured_queries]
    assert statements == ["SELECT", "INSERT"]
    assert VerificationEvent.objects.count() == 2


def test_the_record_of_a_lookup_holds_its_channel_outcome_network_and_time(client, report):
    from django.utils import timezone

    before = timezone.now()
    client.get(f"/api/v1/reports/{report.code}", REMOTE_ADDR="203.0.113.77")
    event = VerificationEvent.objects.get(report=report)
    assert event.recipient_id is None
    assert event.channel == "api"
    assert event.outcome == "shown"
    assert event.ip_prefix == "203.0.113.0/24"
    assert timezone.is_aware(event.created_at)
    assert before <= event.created_at <= timezone.now()


def test_a_lookup_of_a_closed_report_is_recorded_as_closed(client, report):
    services.report_close(report=report, reason="已入职")
    assert lookup(client, report).status_code == 404
    assert list(VerificationEvent.objects.values_list("outcome", flat=True)) == ["closed"]


def test_the_public_report_sets_no_cookie_and_switches_language_by_link(client, report):
    response = lookup(client, report)
    assert not response.cookies
    html = response.content.decode()
    assert 'data-testid="lang-switch"' in html
    assert 'href="?lang=en"' in html
    assert "csrfmiddlewaretoken" not in html
    english = lookup(client, report, QUERY_STRING="lang=en")
    assert 'href="?lang=zh-hans"' in english.content.decode()
    assert not english.cookies


def test_the_languages_are_kept_apart(client, report):
    assert "学籍在线验证报告" in lookup(client, report).content.decode()
    assert "学籍在线验证报告" not in client.get(f"/verify/{report.code}/?lang=en").content.decode()
    assert "学籍在线验证报告" in lookup(client, report).content.decode()


# --- The budget ---------------------------------------------------------------------------


def test_looking_at_a_live_report_again_costs_nothing(client, report, settings):
    # An employer checking two reports properly: page, print, PDF, photo, QR, again and again.
    settings.VERIFY_RATE = "3/m"
    paths = ["/", "print/", "report.pdf", "photo.jpg"]
    statuses = {
        client.get(f"/verify/{report.code}/{path}".replace("//", "/")).status_code
        for _ in range(3)
        for path in paths
    }
    assert 429 not in statuses
    assert client.get("/verify/").status_code == 200
    assert client.get("/xueli/").status_code == 200


def test_lookups_that_find_nothing_spend_the_budget_on_every_path(client, settings):
    settings.VERIFY_RATE = "4/m"
    missing = "SAAAAAAAAAAAAAAA"
    statuses = [
        client.get(f"/verify/{missing}/").status_code,
        client.get(f"/verify/{missing}/print/").status_code,
        client.get(f"/verify/{missing}/report.pdf").status_code,
        client.get(f"/verify/{missing}/photo.jpg").status_code,
        client.get(f"/verify/{missing}/").status_code,
    ]
    assert statuses == [404, 404, 404, 404, 429]


def test_once_spent_even_a_live_report_is_refused(client, report, settings):
    # Otherwise a refused guesser could still tell a real code from a wrong one.
    settings.VERIFY_RATE = "1/m"
    client.get("/verify/SAAAAAAAAAAAAAAA/")
    client.get("/verify/SAAAAAAAAAAAAAAB/")
    for path in ("", "print/", "report.pdf", "photo.jpg"):
        response = client.get(f"/verify/{report.code}/{path}")
        assert response.status_code == 429, path
        assert report.owner.real_name not in response.content.decode(errors="replace")


def test_every_api_call_spends_the_budget(client, report, settings):
    settings.VERIFY_RATE = "2/m"
    statuses = [client.get(f"/api/v1/reports/{report.code}").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_the_budget_is_per_address(client, settings):
    settings.VERIFY_RATE = "1/m"
    client.get("/verify/SAAAAAAAAAAAAAAA/")
    assert client.get("/verify/SAAAAAAAAAAAAAAA/").status_code == 429
    assert client.get("/verify/SAAAAAAAAAAAAAAA/", REMOTE_ADDR="192.0.2.77").status_code == 404


def test_a_refusal_says_when_to_come_back_in_the_language_asked_for(client, settings):
    settings.VERIFY_RATE = "1/10m"
    client.get("/verify/SAAAAAAAAAAAAAAA/")
    response = client.get("/verify/SAAAAAAAAAAAAAAA/?lang=en")
    wait = int(response["Retry-After"])
    assert response.status_code == 429
    assert 0 < wait <= 600
    html = response.content.decode()
    assert 'lang="en"' in html
    assert "minute" in html
    assert "请在" not in html
    assert response["Cache-Control"] == "no-store"
    chinese = client.get("/verify/SAAAAAAAAAAAAAAA/")
    minutes = -(-int(chinese["Retry-After"]) // 60)
    assert f"请在 {minutes} 分钟后再试" in chinese.content.decode()


def test_the_api_refusal_carries_the_time_left(client, settings):
    settings.VERIFY_RATE = "1/h"
    client.get("/api/v1/reports/SAAAAAAAAAAAAAAA")
    response = client.get("/api/v1/reports/SAAAAAAAAAAAAAAA")
    assert response.status_code == 429
    assert response.json() == {"error": "too_many_requests"}
    assert 0 < int(response["Retry-After"]) <= 3600


@pytest.mark.parametrize("rate", ["thirty a minute", "30", "30/10x", "", "0/m"])
def test_a_rate_that_django_ratelimit_cannot_read_stops_start_up(settings, rate):
    settings.VERIFY_RATE = rate
    with pytest.raises(ImproperlyConfigured, match="VERIFY_RATE"):
        throttle.check_rates()


def test_the_configured_rates_are_accepted(settings):
    settings.VERIFY_RATE = "30/10m"
    throttle.check_rates()


# --- With Redis, as in production ---------------------------------------------------------


def test_with_redis_the_budget_counts_the_same_way(real_redis, client, report, settings):
    settings.VERIFY_RATE = "2/m"
    assert lookup(client, report).status_code == 200  # a hit: free
    statuses = [client.get("/verify/SAAAAAAAAAAAAAAA/").status_code for _ in range(3)]
    assert statuses == [404, 404, 429]
    assert lookup(client, report).status_code == 429
    assert real_redis.dbsize() > 0  # the counts are in Redis, not in this process


def test_with_redis_unreachable_lookups_are_refused_not_free(redis_down, client, report):
    response = client.get("/verify/SAAAAAAAAAAAAAAA/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_lookup_records_survive_a_redis_flush(real_redis, client, report):
    # Nothing waits in Redis: N answered lookups leave exactly N rows, whatever Redis does.
    for n in range(10):
        assert lookup(client, report).status_code == 200
        if n == 4:
            real_redis.flushdb()
    assert VerificationEvent.objects.filter(report=report).count() == 10


def test_the_owner_sees_each_lookup_at_once(real_redis, student_client, client, report):
    lookup(client, report)
    lookup(client, report)
    response = student_client.get(f"/archive/reports/{report.public_id}/")
    assert len(response.context["events"]) == 2
