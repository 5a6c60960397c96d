"""Values every template needs."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "SIMULATION_NOTICE": settings.SIMULATION_NOTICE,
        "HOTLINE": "010-82199588",
        "DEBUG": settings.DEBUG,
    }
