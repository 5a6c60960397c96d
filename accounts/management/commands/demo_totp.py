"""Print the current TOTP codes of the demo staff logins (DEBUG only): no phone app needed."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP

from accounts.demo import STAFF_LOGINS, demo_device


class Command(BaseCommand):
    help = "Show the current 6-digit TOTP code of each demo staff login (DEBUG only)."

    def handle(self, *args: Any, **options: object) -> None:
        if not settings.DEBUG:
            raise CommandError("demo_totp only runs with DEBUG on: it prints login codes.")
        for login in STAFF_LOGINS:
            device = demo_device(login)
            if device is None:
                self.stdout.write(f"  {login.role:<10} phone {login.phone}: run seed_demo first")
                continue
            totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
            left = device.step - int(time.time() - device.t0) % device.step
            code = f"{totp.token():0{device.digits}d}"
            self.stdout.write(
                f"  {login.role:<10} phone {login.phone}  code {code}  (valid {left}s more)"
            )
