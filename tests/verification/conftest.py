"""Reports for the verification tests."""

from __future__ import annotations

import pytest

from records.models import Enrollment
from verification import services


@pytest.fixture(autouse=True)
def signing_key(settings, tmp_path):
    """Each test run signs with its own throw-away key."""
    from verification import signing

    settings.REPORT_SIGNING_KEY = ""
    settings.REPORT_SIGNING_KEY_FILE = tmp_path / "signing-key.pem"
    settings.REPORT_SIGNING_KEY_FILE_ALLOWED = True
    signing.private_key.cache_clear()
    yield
    signing.private_key.cache_clear()


@pytest.fixture(autouse=True)
def fresh_throttles():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def master(people) -> Enrollment:
    """张测试's 中山大学 master's enrolment."""
    return Enrollment.objects.get(student_number="2020558000051")


@pytest.fixture
def report(student, master):
    return services.report_issue(owner=student, record=master, months=1, show_photo=True)
