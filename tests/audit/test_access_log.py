"""The access log: staff reads of personal data are recorded; nobody can change the record."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AccessLog, AppendOnly
from records.models import Enrollment
from tests.twofactor import verified_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def master(people) -> Enrollment:
    return Enrollment.objects.get(student_number="2020558000051")


def photo_url(enrollment: Enrollment) -> str:
    return reverse("records:enrollment-photo", args=[enrollment.public_id, "admission"])


def test_a_staff_photo_download_is_logged(registrar_b_client, registrar_b, master):
    assert registrar_b_client.get(photo_url(master), REMOTE_ADDR="203.0.113.77").status_code == 200
    entry = AccessLog.objects.get()
    assert (entry.actor, entry.action, entry.ip_prefix) == (
        registrar_b, "download_photo", "203.0.113.0/24"
    )  # fmt: skip
    assert entry.path == photo_url(master)


def test_the_log_never_holds_a_full_id_number(registrar_b_client, master):
    registrar_b_client.get(photo_url(master))
    registrar_b_client.get(reverse("admin:records_person_change", args=[master.person_id]))
    for target in AccessLog.objects.values_list("target", flat=True):
        assert master.person.id_number not in target
        assert master.person.masked_id_number in target


def test_opening_a_persons_change_page_is_logged(admin_client_, master):
    admin_client_.get(reverse("admin:records_person_change", args=[master.person_id]))
    assert AccessLog.objects.get().action == "view_person"


def test_a_students_own_photo_is_not_logged(student_client, master):
    assert student_client.get(photo_url(master)).status_code == 200
    assert not AccessLog.objects.exists()


def test_staff_without_the_totp_step_get_no_photo(client, registrar_b, master):
    client.force_login(registrar_b)
    assert client.get(photo_url(master)).status_code == 404
    assert not AccessLog.objects.exists()


@pytest.fixture
def entry(client_factory, registrar_b, master) -> AccessLog:
    """One photo download by 中山大学's registrar, from their own browser."""
    verified_login(client_factory(), registrar_b).get(photo_url(master))
    return AccessLog.objects.get()


def test_national_administrators_read_the_log(admin_client_, entry):
    response = admin_client_.get(reverse("admin:audit_accesslog_changelist"))
    assert response.status_code == 200
    assert entry.target in response.content.decode()


def test_the_log_cannot_be_changed_through_the_admin(admin_client_, entry):
    url = reverse("admin:audit_accesslog_change", args=[entry.pk])
    admin_client_.post(url, {"target": "篡改", "action": "export"})
    entry.refresh_from_db()
    assert entry.target != "篡改"
    assert 'name="_save"' not in admin_client_.get(url).content.decode()


def test_the_log_cannot_be_added_to_or_deleted_through_the_admin(admin_client_, entry):
    delete = reverse("admin:audit_accesslog_delete", args=[entry.pk])
    assert admin_client_.post(delete, {"post": "yes"}).status_code == 403
    assert admin_client_.get(reverse("admin:audit_accesslog_add")).status_code == 403
    assert AccessLog.objects.count() == 1


def test_registrars_cannot_read_the_log(client_factory, registrar_b, entry):
    response = verified_login(client_factory(), registrar_b).get(
        reverse("admin:audit_accesslog_changelist")
    )
    assert response.status_code == 403


def test_a_log_row_refuses_to_be_changed_or_deleted_in_code(entry):
    entry.target = "篡改"
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()


def test_bulk_update_and_delete_are_refused_in_code(entry):
    with pytest.raises(AppendOnly):
        AccessLog.objects.filter(pk=entry.pk).update(target="篡改")
    with pytest.raises(AppendOnly):
        AccessLog.objects.all().delete()
    entry.refresh_from_db()
    assert entry.target != "篡改"


def test_deleting_an_account_keeps_its_log_rows(entry, registrar_b):
    label = entry.actor_label
    registrar_b.delete()
    entry.refresh_from_db()
    assert (entry.actor, entry.actor_label) == (None, label)


def test_the_entry_title_uses_the_site_time_zone(entry):
    import datetime

    from django.utils import timezone

    utc = entry.created_at.astimezone(datetime.UTC)
    local = timezone.localtime(entry.created_at)
    assert local.utcoffset() == datetime.timedelta(hours=8)
    assert str(entry).startswith(f"{local:%Y-%m-%d %H:%M}")
    assert not str(entry).startswith(f"{utc:%Y-%m-%d %H:%M}")


@pytest.mark.postgres
def test_the_database_refuses_raw_updates_and_deletes(entry):
    from django.db import DatabaseError, connection, transaction

    for statement in (
        "UPDATE audit_accesslog SET target = 'x'",
        "DELETE FROM audit_accesslog",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(statement)
    entry.refresh_from_db()
    assert AccessLog.objects.count() == 1
    assert entry.target != "x"


@pytest.mark.postgres
def test_the_database_lets_a_deleted_accounts_link_go_and_nothing_else(entry):
    from django.db import DatabaseError, connection, transaction

    with pytest.raises(DatabaseError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_accesslog SET actor_id = NULL, target = 'x'")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_accesslog SET actor_id = NULL")
    entry.refresh_from_db()
    assert entry.actor_id is None
    assert entry.target != "x"
