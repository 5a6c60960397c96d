"""身份核验 before 学信档案 opens; claims with evidence; 客服 decisions in the admin."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts import roles
from accounts.models import IdentityClaim, User
from accounts.views.identity import ERR_FACTS
from tests.factories import UserFactory
from tests.twofactor import verified_login

pytestmark = pytest.mark.django_db

CHECK_URL = "/account/identity/"
CLAIM_URL = "/account/claim/"


@pytest.fixture
def unverified(people, client):
    """张测试's account, bound by name + ID but not yet past the identity check."""
    zhang = people["张测试"]
    user = UserFactory(
        phone="13900000111",
        person=zhang,
        real_name=zhang.name,
        id_type=zhang.id_type,
        id_number=zhang.id_number,
    )
    client.force_login(user)
    return user


def test_name_and_id_alone_do_not_open_the_archive(client, unverified):
    assert client.get("/archive/")["Location"] == reverse("accounts:identity-check")


# 张测试's 学籍 at 中山大学: 学号 2020558000051, entered 2020; at 北京大学: 1601100051, 2016.
MINE = {"school_name": " 中山大学 ", "student_number": "2020558000051", "entry_year": "2020"}


def test_school_student_number_and_entry_year_of_one_enrolment_open_the_archive(client, unverified):
    response = client.post(CHECK_URL, MINE)
    assert response["Location"] == reverse("records:archive-home")
    assert client.get("/archive/").status_code == 200


def test_what_a_cv_shows_is_not_enough(client, unverified):
    """School and years are on any CV; without the 学号 they open nothing."""
    cv = {"school_name": "中山大学", "student_number": "", "entry_year": "2020"}
    client.post(CHECK_URL, cv)
    client.post(CHECK_URL, {"school_name": "中山大学"})
    unverified.refresh_from_db()
    assert unverified.identity_verified_at is None


def test_facts_taken_from_two_enrolments_do_not_match(client, unverified):
    mixed = {"school_name": "中山大学", "student_number": "1601100051", "entry_year": "2020"}
    response = client.post(CHECK_URL, mixed)
    assert response.status_code == 200
    unverified.refresh_from_db()
    assert unverified.identity_verified_at is None


def test_a_wrong_fact_is_refused_with_the_tries_left(client, unverified):
    response = client.post(CHECK_URL, {**MINE, "entry_year": "2019"})
    assert str(ERR_FACTS % {"left": 2}) in response.content.decode()


def test_after_three_wrong_tries_even_the_right_facts_wait_a_day(client, unverified):
    for year in ("2017", "2018", "2019"):
        client.post(CHECK_URL, {**MINE, "entry_year": year})
    client.post(CHECK_URL, MINE)
    unverified.refresh_from_db()
    assert unverified.identity_verified_at is None


def test_the_tries_count_per_id_number_across_accounts(client, client_factory, unverified):
    """A new account for the same ID does not buy three more guesses."""
    for year in ("2017", "2018", "2019"):
        client.post(CHECK_URL, {**MINE, "entry_year": year})
    unverified.is_active = False
    unverified.save()
    fresh = UserFactory(
        phone="13900000112", person=unverified.person, real_name=unverified.real_name,
        id_type=unverified.id_type, id_number=unverified.id_number,
    )  # fmt: skip
    browser = client_factory()
    browser.force_login(fresh)
    response = browser.post(CHECK_URL, MINE)
    fresh.refresh_from_db()
    assert fresh.identity_verified_at is None
    assert response.context["tries_left"] == 0


def test_other_accounts_of_the_id_are_told_when_a_new_one_passes(
    client, client_factory, people, django_capture_on_commit_callbacks
):
    from accounts import sms

    zhang = people["张测试"]
    old = UserFactory(
        phone="13900000113", real_name=zhang.name, id_type=zhang.id_type,
        id_number=zhang.id_number, is_active=False,
    )  # fmt: skip
    new = UserFactory(
        phone="13900000114", person=zhang, real_name=zhang.name, id_type=zhang.id_type,
        id_number=zhang.id_number,
    )  # fmt: skip
    client.force_login(new)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CHECK_URL, MINE)
    assert [m.phone for m in sms.outbox] == [old.phone]
    assert new.masked_phone in sms.outbox[0].text


def jpeg(size=(300, 200)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 180, 160)).save(out, "JPEG")
    return SimpleUploadedFile("id.jpg", out.getvalue(), content_type="image/jpeg")


def test_id_photos_can_be_sent_for_review(client, unverified):
    client.post(CLAIM_URL, {"method": "id_photos", "id_front": jpeg(), "id_back": jpeg()})
    claim = IdentityClaim.objects.get()
    assert (claim.kind, claim.status) == ("identity_check", "pending")
    assert claim.id_front.name.startswith("claims/")
    assert claim.id_front.name.endswith(".jpg")


def test_a_photo_over_two_megabytes_is_refused(client, unverified, settings):
    settings.PHOTO_MAX_BYTES = 2 * 1024 * 1024
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8" + b"0" * (2 * 1024 * 1024 + 10))
    response = client.post(CLAIM_URL, {"method": "id_photos", "id_front": big, "id_back": jpeg()})
    assert response.context["form"].errors["id_front"]
    assert not IdentityClaim.objects.exists()


def test_a_claim_without_photos_is_refused(client, unverified):
    response = client.post(CLAIM_URL, {"method": "id_photos"})
    assert set(response.context["form"].errors) == {"id_front", "id_back"}


# --- duplicate ID claims and their review ---------------------------------------------------


@pytest.fixture
def disputed(student):
    """A second account for 张测试's ID, created through 我要重新注册."""
    return User.objects.create_user(
        "13900000999", "a long pass phrase 1", real_name=student.real_name,
        id_type=student.id_type, id_number=student.id_number, identity_disputed=True,
    )  # fmt: skip


@pytest.fixture
def duplicate_claim(client_factory, disputed):
    browser = client_factory()
    browser.force_login(disputed)
    browser.post(CLAIM_URL, {"method": "id_photos", "id_front": jpeg(), "id_back": jpeg()})
    return IdentityClaim.objects.get()


@pytest.fixture
def support_client(client_factory):
    agent = UserFactory(phone="13900000401", real_name="客服小王", is_staff=True)
    agent.groups.add(Group.objects.get(name=roles.SUPPORT))
    browser = client_factory()
    verified_login(browser, agent)
    return browser


def test_a_duplicate_claim_names_the_competing_account(duplicate_claim, student):
    assert duplicate_claim.kind == "duplicate_id"
    assert duplicate_claim.competing_account == student


def test_the_claim_can_use_facts_from_the_records_instead(client, disputed):
    client.force_login(disputed)
    client.post(CLAIM_URL, {
        "method": "record_facts", "fact_school_name": "中山大学",
        "fact_student_number": "2020558000051", "fact_entry_year": "2020",
    })  # fmt: skip
    assert IdentityClaim.objects.get().method == "record_facts"


def test_another_users_evidence_is_404(duplicate_claim, other_student_client):
    url = reverse("accounts:claim-evidence", args=[duplicate_claim.public_id, "front"])
    assert other_student_client.get(url).status_code == 404


def test_the_claimant_and_support_staff_see_the_evidence(
    duplicate_claim, disputed, client, support_client
):
    url = reverse("accounts:claim-evidence", args=[duplicate_claim.public_id, "back"])
    client.force_login(disputed)
    assert client.get(url).status_code == 200
    assert support_client.get(url).status_code == 200


def test_a_registrar_does_not_see_claim_evidence(duplicate_claim, registrar_a_client):
    url = reverse("accounts:claim-evidence", args=[duplicate_claim.public_id, "front"])
    assert registrar_a_client.get(url).status_code == 404


def decide(browser, claim, decision: str, note: str = ""):
    url = reverse("admin:accounts_identityclaim_change", args=[claim.pk])
    return browser.post(url, {"decision": decision, "decision_note": note})


def test_the_review_page_shows_both_accounts_and_the_evidence(support_client, duplicate_claim):
    url = reverse("admin:accounts_identityclaim_change", args=[duplicate_claim.pk])
    html = support_client.get(url).content.decode()
    assert "139****0999" in html
    assert "139****0101" in html
    assert reverse("accounts:claim-evidence", args=[duplicate_claim.public_id, "front"]) in html


def test_approval_deactivates_the_other_account_and_moves_the_binding(
    support_client,
    duplicate_claim,
    disputed,
    student,
    sms_outbox,
    django_capture_on_commit_callbacks,
):
    person = student.person
    with django_capture_on_commit_callbacks(execute=True):
        decide(support_client, duplicate_claim, "approve")
    student.refresh_from_db()
    disputed.refresh_from_db()
    assert not student.is_active
    assert student.person is None
    assert disputed.person == person
    assert not disputed.identity_disputed
    assert {m.phone for m in sms_outbox[-2:]} == {student.phone, disputed.phone}


def test_the_approved_claimant_opens_the_archive(support_client, duplicate_claim, disputed, client):
    decide(support_client, duplicate_claim, "approve")
    client.force_login(disputed)
    assert client.get("/archive/").status_code == 200


def test_rejection_needs_a_reason_and_tells_the_claimant(
    support_client, duplicate_claim, disputed, sms_outbox, django_capture_on_commit_callbacks
):
    decide(support_client, duplicate_claim, "reject")
    assert IdentityClaim.objects.get().status == "pending"
    with django_capture_on_commit_callbacks(execute=True):
        decide(support_client, duplicate_claim, "reject", "照片不清晰")
    assert IdentityClaim.objects.get().status == "rejected"
    assert sms_outbox[-1].phone == disputed.phone
    assert "照片不清晰" in sms_outbox[-1].text


def test_a_second_decision_changes_nothing(
    support_client, duplicate_claim, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        decide(support_client, duplicate_claim, "approve")
    sent = len(sms_outbox)
    with django_capture_on_commit_callbacks(execute=True):
        decide(support_client, duplicate_claim, "reject", "晚到的操作")
    assert IdentityClaim.objects.get().status == "approved"
    assert len(sms_outbox) == sent


def test_viewing_the_review_page_decides_nothing(support_client, duplicate_claim):
    support_client.get(reverse("admin:accounts_identityclaim_change", args=[duplicate_claim.pk]))
    assert IdentityClaim.objects.get().status == "pending"


def test_a_registrar_cannot_open_the_claim_queue(registrar_a_client, duplicate_claim):
    response = registrar_a_client.get(reverse("admin:accounts_identityclaim_changelist"))
    assert response.status_code == 403
