"""身份核验申诉 in bulk: 客服 approve or reject several claims from the queue."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts import roles
from accounts.models import IdentityClaim, User
from tests.factories import UserFactory
from tests.twofactor import verified_login

pytestmark = pytest.mark.django_db

QUEUE = "/admin/accounts/identityclaim/"


def jpeg() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (200, 150), "white").save(out, "JPEG")
    return SimpleUploadedFile("id.jpg", out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def claims(client_factory, people) -> list[IdentityClaim]:
    """Two accounts asking for a photo identity check."""
    found = []
    for phone in ("13900000801", "13900000802"):
        user = User.objects.create_user(phone, "a long pass phrase 1", real_name="申请人")
        browser = client_factory()
        browser.force_login(user)
        browser.post(
            "/account/claim/", {"method": "id_photos", "id_front": jpeg(), "id_back": jpeg()}
        )
        found.append(IdentityClaim.objects.get(claimant=user))
    return found


@pytest.fixture
def support(client_factory):
    agent = UserFactory(phone="13900000404", real_name="客服小李", is_staff=True)
    agent.groups.add(Group.objects.get(name=roles.SUPPORT))
    return verified_login(client_factory(), agent)


def test_support_rejects_several_claims_with_one_note(support, claims):
    support.post(QUEUE, {
        "action": "reject_selected", "_selected_action": [c.pk for c in claims],
        "confirm": "yes", "note": "照片不清晰",
    })  # fmt: skip
    decided = IdentityClaim.objects.values_list("status", "decision_note")
    assert set(decided) == {("rejected", "照片不清晰")}


def test_a_registrar_cannot_reach_the_claim_queue(registrar_a_client, claims):
    response = registrar_a_client.post(QUEUE, {
        "action": "approve_selected", "_selected_action": [c.pk for c in claims], "confirm": "yes",
    })  # fmt: skip
    assert response.status_code == 403
    assert set(IdentityClaim.objects.values_list("status", flat=True)) == {"pending"}
