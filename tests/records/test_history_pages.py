"""History pages: ID numbers masked like the lists, every read logged, a reason on every entry."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from records.identity import mask_id_number
from records.models import Enrollment, Person
from records.synthetic import resident_id
from records.versioning import save_versioned
from tests.admin_forms import admin_form_data

pytestmark = pytest.mark.django_db

NEW_ID = resident_id("440106", datetime.date(2000, 11, 23), 84)  # 李另一, a corrected number


@pytest.fixture
def li_renumbered(people) -> tuple[Person, str]:
    """李另一's ID number corrected once: history holds the old and the new number."""
    li = people["李另一"]
    old = li.id_number
    li.save()  # the fixture is loaded without history: this entry records the first number
    li.id_number = NEW_ID
    li._change_reason = "证件号码更正"
    save_versioned(li, expected_version=li.version)
    return li, old


def history_url(model: str, pk: int) -> str:
    return reverse(f"admin:records_{model}_history", args=[pk])


def test_the_history_list_masks_old_and_new_id_numbers(registrar_b_client, li_renumbered):
    li, old = li_renumbered
    html = registrar_b_client.get(history_url("person", li.pk)).content.decode()
    assert old not in html
    assert NEW_ID not in html
    assert f"{mask_id_number(old)}&nbsp;&rarr;&nbsp;{mask_id_number(NEW_ID)}" in html


def test_a_past_version_shows_the_id_number_masked_and_read_only(registrar_b_client, li_renumbered):
    li, old = li_renumbered
    first = li.history.earliest()
    url = reverse("admin:records_person_simple_history", args=[li.pk, first.history_id])
    html = registrar_b_client.get(url).content.decode()
    assert old not in html
    assert NEW_ID not in html
    assert mask_id_number(old) in html
    assert 'name="id_number"' not in html
    assert 'name="_save"' not in html


def test_a_past_version_cannot_be_saved_back(registrar_b_client, li_renumbered):
    li, old = li_renumbered
    first = li.history.earliest()
    url = reverse("admin:records_person_simple_history", args=[li.pk, first.history_id])
    assert registrar_b_client.post(url, {"id_number": old}).status_code == 405
    assert Person.objects.get(pk=li.pk).id_number == NEW_ID


def test_a_past_version_of_an_enrolment_with_photos_opens(registrar_b_client, people):
    master = Enrollment.objects.get(student_number="2020558000051")
    entry = master.history.earliest()
    url = reverse("admin:records_enrollment_simple_history", args=[master.pk, entry.history_id])
    response = registrar_b_client.get(url)
    assert response.status_code == 200
    assert people["张测试"].id_number not in response.content.decode()


def test_every_history_read_is_logged(registrar_b_client, registrar_b, li_renumbered):
    li, old = li_renumbered
    registrar_b_client.get(history_url("person", li.pk))
    first = li.history.earliest()
    registrar_b_client.get(
        reverse("admin:records_person_simple_history", args=[li.pk, first.history_id])
    )
    entries = list(AccessLog.objects.order_by("id"))
    assert [(e.actor, e.action) for e in entries] == [(registrar_b, "view_history")] * 2
    assert mask_id_number(NEW_ID) in entries[0].target  # the list: the person as now
    assert mask_id_number(old) in entries[1].target  # the past version: as it was then
    assert all(NEW_ID not in e.target and old not in e.target for e in entries)


def test_another_schools_history_is_not_found_and_not_logged(registrar_a_client, li_renumbered):
    li, _old = li_renumbered
    assert registrar_a_client.get(history_url("person", li.pk)).status_code == 404
    assert not AccessLog.objects.exists()


def test_an_admin_edit_records_its_reason_and_the_staff_note(registrar_b_client, people):
    master = Enrollment.objects.get(student_number="2020558000051")
    url = reverse("admin:records_enrollment_change", args=[master.pk])
    form = admin_form_data(registrar_b_client.get(url))
    registrar_b_client.post(url, {**form, "major": "社会工作"})
    form = admin_form_data(registrar_b_client.get(url))
    registrar_b_client.post(url, {**form, "class_name": "二班", "change_note": "按学籍卡更正"})
    reasons = list(master.history.order_by("-history_date")[:2].values_list(
        "history_change_reason", flat=True
    ))  # fmt: skip
    assert reasons == ["后台编辑：按学籍卡更正", "后台编辑"]


def test_no_history_entry_reads_none(registrar_b_client, people):
    master = Enrollment.objects.get(student_number="2020558000051")
    master.major = "社会工作"
    master.save()  # a write without a stated reason, as a shell or a script makes
    assert master.history.latest().history_change_reason == "修改"
    html = registrar_b_client.get(history_url("enrollment", master.pk)).content.decode()
    table = html[html.index('id="change-history"') :]
    assert "None" not in table


def test_history_headers_are_in_the_site_language(registrar_b_client, people):
    master = Enrollment.objects.get(student_number="2020558000051")
    html = registrar_b_client.get(history_url("enrollment", master.pk)).content.decode()
    start = html.index('id="change-history"')
    table = html[start : html.index("</thead>", start)]
    assert "修改内容" in table
    assert "修改原因" in table
    assert "Changes" not in table
    assert "Date/time" not in table


def test_history_times_are_in_the_site_time_zone(registrar_b_client, people):
    master = Enrollment.objects.get(student_number="2020558000051")
    latest = master.history.latest()
    html = registrar_b_client.get(history_url("enrollment", master.pk)).content.decode()
    local = timezone.localtime(latest.history_date)
    assert f"{local:%Y-%m-%d %H:%M:%S}" in html
    utc = latest.history_date.astimezone(datetime.UTC)
    assert f"{utc:%Y-%m-%d %H:%M:%S}" not in html


def test_history_and_the_staff_pages_speak_english_when_asked(registrar_b_client, people):
    registrar_b_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    master = Enrollment.objects.get(student_number="2020558000051")
    html = registrar_b_client.get(history_url("enrollment", master.pk)).content.decode()
    assert "Changes" in html
    assert "Changed by" in html
    assert "修改内容" not in html
    importing = registrar_b_client.get(reverse("admin:records_enrollment_import")).content.decode()
    assert "XLSX (Excel workbook) is recommended" in importing
    batch = registrar_b_client.get(reverse("admin:records_enrollment_photo_batch")).content.decode()
    assert "Upload diploma photos" in batch
    assert "批量上传学历照片" not in batch
