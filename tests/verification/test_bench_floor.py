"""The floor views of `make bench` (demo/bench_views.py): routed in bench mode only, and doing
the work they stand for, so that the floor rows of bench/RESULTS.md measure what they say."""

from __future__ import annotations

import pytest
from django.urls import clear_url_caches, set_urlconf
from django.utils import timezone

from records.models import Enrollment
from verification.models import VerificationEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def bench_urls(settings):
    """The root URLconf as the benchmark's server builds it (XUEXIN_BENCH_MODE on)."""
    import importlib

    from xuexin import urls

    settings.BENCH_MODE = True
    importlib.reload(urls)
    clear_url_caches()
    yield
    settings.BENCH_MODE = False
    importlib.reload(urls)
    clear_url_caches()
    set_urlconf(None)


def test_floor_views_are_not_routed_outside_bench_mode(client, report):
    assert client.get(f"/bench/floor/api/{report.code}").status_code == 404
    assert VerificationEvent.objects.count() == 0


def test_api_floor_looks_up_the_code_and_records_the_lookup(client, report, bench_urls):
    response = client.get(f"/bench/floor/api/{report.code}")
    assert response.status_code == 200
    assert response.json() == {"state": "live"}
    event = VerificationEvent.objects.get()
    assert event.report_id == report.pk
    assert event.channel == VerificationEvent.Channel.API


def test_api_floor_answers_404_for_an_unknown_code_and_records_nothing(client, bench_urls):
    response = client.get("/bench/floor/api/" + "A" * 20)
    assert response.status_code == 404
    assert VerificationEvent.objects.count() == 0


def test_api_floor_reads_a_closed_report_as_closed(client, report, bench_urls):
    report.closed_at = timezone.now()
    report.save(update_fields=["closed_at"])
    assert client.get(f"/bench/floor/api/{report.code}").json() == {"state": "closed"}


def test_xueji_floor_lists_the_students_own_current_enrolments(student_client, student, bench_urls):
    own = list(Enrollment.objects.filter(person=student.person))
    withdrawn = own[0]
    withdrawn.withdrawn_at = timezone.now()
    withdrawn.withdrawn_reason = "录入错误"
    withdrawn.save(update_fields=["withdrawn_at", "withdrawn_reason"])
    body = student_client.get("/bench/floor/xueji/").content.decode()
    for enrollment in own[1:]:
        assert enrollment.student_number in body
    assert withdrawn.student_number not in body
    others = Enrollment.objects.exclude(person=student.person)
    assert all(other.student_number not in body for other in others)


def test_xueji_floor_refuses_anonymous_visitors(client, bench_urls):
    assert client.get("/bench/floor/xueji/").status_code == 403
