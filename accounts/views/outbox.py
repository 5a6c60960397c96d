"""The demo outbox: SMS and emails the simulated gateways delivered, newest first.

Exists so a newcomer can register without a phone. Off unless DEMO_OUTBOX_ENABLED (which
follows DEBUG by default); in production the URL answers 404.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ..models import OutboxMessage


@never_cache
@require_GET
def outbox(request: HttpRequest) -> HttpResponse:
    if not settings.DEMO_OUTBOX_ENABLED:
        raise Http404
    messages = OutboxMessage.objects.all()[:50]
    return render(request, "accounts/outbox.html", {"outbox_messages": messages})
