"""Report pages as each worker keeps them, and 查验记录 waiting in Redis (verification.journal)."""

from __future__ import annotations

import time

import pytest
from django.core.management import call_command

from verification import gate, journal, services
from verification.models import VerificationEvent, VerificationReport
from verification.views import parse_rate

pytestmark = pytest.mark.django_db


def lookup(client, report, **extra):  # type: ignore[no-untyped-def]
    return client.get(f"/verify/{report.code}/", **extra)


def test_a_closed_report_stops_showing_at_once(client, report):
    assert lookup(client, report).status_code == 200
    services.report_close(report=report, reason="已入职")
    assert lookup(client, report).status_code == 404


def test_an_extended_report_shows_its_new_date_at_once(client, report):
    lookup(client, report)
    extended = services.report_extend(report=report, months=6)
    assert extended.valid_until.strftime("%Y年%m月%d日") in lookup(client, report).content.decode()


def test_a_deleted_report_stops_showing_at_once(client, report):
    lookup(client, report)
    VerificationReport.objects.filter(pk=report.pk).get().delete()
    assert lookup(client, report).status_code == 404


def test_a_second_lookup_only_writes_its_record(client, report, django_assert_num_queries):
    lookup(client, report)
    with django_assert_num_queries(1) as captured:
        assert lookup(client, report).status_code == 200
    assert captured.captured_queries[0]["sql"].startswith("INSERT")
    assert VerificationEvent.objects.count() == 2


def test_the_public_report_sets_no_cookie_and_switches_language_by_link(client, report):
    response = lookup(client, report)
    assert not response.cookies
    html = response.content.decode()
    assert 'data-testid="lang-switch"' in html and 'href="?lang=en"' in html
    assert "csrfmiddlewaretoken" not in html
    english = lookup(client, report, QUERY_STRING="lang=en")
    assert 'href="?lang=zh-hans"' in english.content.decode() and not english.cookies


def test_the_languages_are_kept_apart(client, report):
    assert "学籍在线验证报告" in lookup(client, report).content.decode()
    assert "学籍在线验证报告" not in client.get(f"/verify/{report.code}/?lang=en").content.decode()
    assert "学籍在线验证报告" in lookup(client, report).content.decode()


@pytest.mark.parametrize(
    ("rate", "expected"), [("30/10m", (30, 600)), ("5/s", (5, 1)), ("100/h", (100, 3600))]
)
def test_rates_are_read_as_django_ratelimit_writes_them(rate, expected):
    assert parse_rate(rate) == expected


def test_a_rate_that_is_not_one_is_refused():
    with pytest.raises(ValueError):
        parse_rate("thirty a minute")


def test_hits_count_per_window_without_redis():
    assert gate.count_without_redis("c", 60) == 1
    assert gate.count_without_redis("c", 60) == 2


def test_the_throttle_counts_every_lookup_of_an_address(client, report, settings):
    settings.VERIFY_RATE = "3/m"
    codes = [lookup(client, report).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert lookup(client, report, REMOTE_ADDR="192.0.2.77").status_code == 200


# --- With Redis, as in production ---------------------------------------------------------


def test_with_redis_a_lookup_waits_in_redis_and_reads_no_row(
    real_redis, client, report, django_assert_num_queries
):
    lookup(client, report)
    with django_assert_num_queries(0):
        assert lookup(client, report, REMOTE_ADDR="192.0.2.9").status_code == 200
    assert journal.waiting() == 2 and not VerificationEvent.objects.exists()


def test_the_owner_sees_lookups_still_waiting_in_redis(
    real_redis, student_client, client_factory, report
):
    client_factory().get(f"/verify/{report.code}/?via=web", REMOTE_ADDR="192.0.2.9")
    html = student_client.get(f"/archive/reports/{report.public_id}/").content.decode()
    assert "192.0.2.0/24" in html and "网页" in html
    assert journal.waiting() == 0
    event = VerificationEvent.objects.get()
    assert (event.report_id, event.channel, event.outcome) == (report.pk, "web", "shown")


def test_the_owners_list_counts_waiting_lookups(real_redis, student_client, client_factory, report):
    for _ in range(3):
        client_factory().get(f"/api/v1/reports/{report.code}")
    html = student_client.get("/archive/reports/").content.decode()
    assert journal.waiting() == 0 and VerificationEvent.objects.filter(channel="api").count() == 3
    assert "查验 3 次" in html


def test_expired_and_closed_lookups_are_recorded_as_such(real_redis, client, report):
    services.report_close(report=report, reason="不再需要")
    assert lookup(client, report).status_code == 404
    journal.flush()
    assert VerificationEvent.objects.get().outcome == "closed"


def test_rows_of_a_deleted_report_are_dropped(real_redis, client, report, student, master):
    other = services.report_issue(owner=student, record=master, months=1)
    lookup(client, report)
    lookup(client, other)
    VerificationReport.objects.filter(pk=report.pk).delete()
    assert journal.flush() == 1
    assert list(VerificationEvent.objects.values_list("report_id", flat=True)) == [other.pk]


def test_a_refused_batch_stays_in_redis_in_order(real_redis, client, report, monkeypatch):
    for address in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):
        lookup(client, report, REMOTE_ADDR=address)

    def refuse(items):  # type: ignore[no-untyped-def]
        raise RuntimeError("database unavailable")

    monkeypatch.setattr(journal, "_write", refuse)
    assert journal.flush() == 0 and journal.waiting() == 3
    monkeypatch.undo()
    assert journal.flush() == 3
    networks = VerificationEvent.objects.order_by("created_at").values_list("ip_prefix", flat=True)
    assert list(networks) == ["192.0.2.0/24"] * 3


def test_with_redis_unreachable_a_record_is_written_at_once(report, redis_down):
    journal.record(VerificationEvent(report=report, channel="api", outcome="shown"))
    assert VerificationEvent.objects.count() == 1


def test_the_command_moves_what_is_waiting(real_redis, client, report, capsys):
    lookup(client, report)
    lookup(client, report)
    call_command("flush_lookups")
    assert "2 moved (2 were waiting)" in capsys.readouterr().out
    assert VerificationEvent.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_full_batch_is_moved_by_a_worker_thread(real_redis, people, student, monkeypatch):
    from records.models import Enrollment

    master = Enrollment.objects.get(student_number="2020558000051")
    report = services.report_issue(owner=student, record=master, months=1)
    monkeypatch.setattr(journal, "BATCH", 3)
    for _ in range(3):
        journal.record(VerificationEvent(report=report, channel="qr", outcome="shown"))
    deadline = time.monotonic() + 10
    while VerificationEvent.objects.count() < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert VerificationEvent.objects.count() == 3 and journal.waiting() == 0
    assert journal.MOVER.idle.wait(10)  # and the thread has let go of its connection


def test_a_move_takes_what_was_waiting_not_what_keeps_arriving(
    real_redis, client, report, monkeypatch
):
    lookup(client, report)
    write, writes = journal._write, []

    def write_while_a_lookup_arrives(items):  # type: ignore[no-untyped-def]
        writes.append(len(items))
        if len(writes) < 5:  # a busy site: a new lookup lands during every write
            journal.record(VerificationEvent(report=report, channel="qr", outcome="shown"))
        return write(items)

    monkeypatch.setattr(journal, "_write", write_while_a_lookup_arrives)
    assert journal.flush() == 1
    assert writes == [1] and journal.waiting() == 1


@pytest.mark.parametrize(
    ("path", "channel"),
    [("/verify/{code}/", "qr"), ("/verify/{code}/?via=web", "web"),
     ("/verify/{code}/print/", "web"), ("/api/v1/reports/{code}", "api")],
)  # fmt: skip
def test_with_redis_a_repeated_lookup_is_one_round_trip_and_still_recorded(
    real_redis, client, report, redis_commands, path, channel
):
    client.get(path.format(code=report.code))
    redis_commands.clear()
    assert client.get(path.format(code=report.code)).status_code == 200
    assert redis_commands == ["EVALSHA"]
    journal.flush()
    assert (
        list(VerificationEvent.objects.values_list("channel", "outcome"))
        == [(channel, "shown")] * 2
    )


def test_with_redis_a_refused_lookup_is_not_recorded(real_redis, client, report, settings):
    settings.VERIFY_RATE = "2/m"
    codes = [lookup(client, report).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert journal.flush() == 2


def test_with_redis_a_copy_made_stale_is_not_used_nor_recorded_as_shown(real_redis, client, report):
    assert lookup(client, report).status_code == 200
    services.report_close(report=report, reason="已入职")
    assert lookup(client, report).status_code == 404
    journal.flush()
    outcomes = VerificationEvent.objects.order_by("created_at").values_list("outcome", flat=True)
    assert list(outcomes) == ["shown", "closed"]


def test_with_redis_the_photo_is_never_recorded(real_redis, client, report):
    lookup(client, report)
    client.get(f"/verify/{report.code}/photo.jpg")
    client.get(f"/verify/{report.code}/photo.jpg")
    assert journal.flush() == 1


def test_the_throttled_answer_speaks_the_language_asked_for(client, report, settings):
    settings.VERIFY_RATE = "1/m"
    lookup(client, report)
    response = client.get(f"/verify/{report.code}/?lang=en")
    assert response.status_code == 429 and 'lang="en"' in response.content.decode()
    assert response["Cache-Control"] == "no-store"
