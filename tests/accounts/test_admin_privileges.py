"""No privilege escalation in the admin: crafted POSTs as a 国家管理员 who is not superuser.

Only superusers grant superuser, staff status, roles or a registrar's school; nobody edits
their own; every role change is one log line with who, whom and what.
"""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth.models import Group

from accounts import roles
from accounts.models import User
from tests.admin_forms import admin_form_data
from tests.factories import UserFactory
from tests.twofactor import verified_login

pytestmark = pytest.mark.django_db


def change_url(user: User) -> str:
    return f"/admin/accounts/user/{user.pk}/change/"


@pytest.fixture
def national(people) -> User:
    """A 国家管理员 with every permission of the role, but not a superuser."""
    user = UserFactory.create(phone="13900000302", real_name="国家管理员乙", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.NATIONAL_ADMIN))
    return user


@pytest.fixture
def national_client(client, national):
    return verified_login(client, national)


def crafted(client, user: User, **overrides: object):
    """The change form as the page gives it, plus the fields an attacker adds."""
    data = admin_form_data(client.get(change_url(user)))
    data.update(overrides)
    return client.post(change_url(user), data)


def registrar_group() -> Group:
    return Group.objects.get(name=roles.SCHOOL_REGISTRAR)


def test_a_national_admin_cannot_make_itself_superuser(national_client, national):
    crafted(national_client, national, is_superuser="on")
    national.refresh_from_db()
    assert not national.is_superuser


def test_nobody_edits_their_own_roles(national_client, national):
    crafted(national_client, national, groups=[registrar_group().pk])
    assert list(national.groups.values_list("name", flat=True)) == [roles.NATIONAL_ADMIN]


def test_a_national_admin_cannot_make_a_student_staff(national_client, other_student):
    response = crafted(national_client, other_student, is_staff="on")
    other_student.refresh_from_db()
    assert response.status_code == 302
    assert not other_student.is_staff


def test_a_national_admin_cannot_grant_a_role_or_a_school(national_client, other_student, school_a):
    crafted(national_client, other_student, groups=[registrar_group().pk], school=school_a.pk)
    other_student.refresh_from_db()
    assert other_student.school is None
    assert not other_student.groups.exists()


def test_a_national_admin_can_still_edit_a_students_other_fields(national_client, other_student):
    crafted(national_client, other_student, real_name="李另一改")
    other_student.refresh_from_db()
    assert other_student.real_name == "李另一改"


def test_a_superusers_account_is_read_only_to_others(national_client, admin_user):
    data = {"phone": "13900009999", "real_name": "x", "is_superuser": "on"}
    assert national_client.post(change_url(admin_user), data).status_code == 403
    password_url = f"/admin/accounts/user/{admin_user.pk}/password/"
    new = {"password1": "a takeover pass phrase 1", "password2": "a takeover pass phrase 1"}
    assert national_client.post(password_url, new).status_code == 403
    admin_user.refresh_from_db()
    assert admin_user.phone == "13900000301"


def test_a_superuser_cannot_be_deleted_by_a_bulk_action(national_client, admin_user):
    data = {"action": "delete_selected", "_selected_action": [admin_user.pk], "post": "yes"}
    national_client.post("/admin/accounts/user/", data)
    assert User.objects.filter(pk=admin_user.pk).exists()


def test_only_superusers_change_what_a_role_may_do(national_client):
    group = registrar_group()
    url = f"/admin/auth/group/{group.pk}/change/"
    assert national_client.post(url, {"name": group.name, "permissions": []}).status_code == 403
    assert group.permissions.exists()


def test_only_superusers_add_an_authenticator_for_someone(national_client, admin_user):
    response = national_client.post(
        "/admin/otp_totp/totpdevice/add/", {"user": admin_user.pk, "name": "mine"}
    )
    assert response.status_code == 403


def test_a_superuser_grants_roles_to_others(admin_client_, other_student, school_a):
    crafted(admin_client_, other_student, is_staff="on", groups=[registrar_group().pk],
            school=school_a.pk)  # fmt: skip
    other_student.refresh_from_db()
    assert other_student.is_staff
    assert other_student.school == school_a


def test_a_superuser_cannot_drop_its_own_rights_by_mistake(admin_client_, admin_user):
    data = admin_form_data(admin_client_.get(change_url(admin_user)))
    data.pop("is_superuser", None)
    admin_client_.post(change_url(admin_user), data)
    admin_user.refresh_from_db()
    assert admin_user.is_superuser


def test_every_role_change_is_logged_with_who_whom_and_what(
    admin_client_, admin_user, other_student, school_a, caplog
):
    with caplog.at_level(logging.INFO, logger="xuexin.events"):
        crafted(admin_client_, other_student, is_staff="on", groups=[registrar_group().pk],
                school=school_a.pk)  # fmt: skip
    line = next(r for r in caplog.records if r.getMessage() == "role.changed")
    fields = line.event_fields
    assert (fields["actor"], fields["target"]) == (admin_user.pk, other_student.pk)
    assert fields["changes"]["groups"] == {"old": [], "new": [roles.SCHOOL_REGISTRAR]}
    assert fields["changes"]["is_staff"] == {"old": False, "new": True}
