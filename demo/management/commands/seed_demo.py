"""Load every app's demo data and print the demo logins. Safe to run any number of times."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.demo import create_demo_logins
from helpcenter.content import load_help_content
from records import demo, scale
from records.models import Person


class Command(BaseCommand):
    help = "Load schools, about fifty synthetic people with records and photos, and demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--allow-demo-logins",
            action="store_true",
            help="create the demo logins even when DEBUG is off (never on a public host)",
        )
        parser.add_argument(
            "--persons",
            type=int,
            default=0,
            metavar="N",
            help="also make sure N synthetic people with one enrolment each exist (benchmarks)",
        )
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="where the demo is served, for the addresses printed (make run passes its PORT)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["allow_demo_logins"]:
            raise CommandError(
                "DEBUG is off: demo logins have published passwords. "
                "Pass --allow-demo-logins if this is really a private sandbox."
            )
        report = demo.seed()
        load_help_content()
        example = Person.objects.get(id_number=demo.EXAMPLE_ID)
        logins = create_demo_logins(example)
        self.stdout.write(
            f"Schools: {report.schools}; people created: {report.persons_created}; "
            f"records created: {report.records_created}; "
            f"people in database: {Person.objects.count()}"
        )
        for _receiver, lines in demo.demo_seeded.send(sender=self.__class__):
            for line in lines or []:
                self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Demo logins (simulation only):"))
        for login in logins:
            self.stdout.write(
                f"  {login.role:<10} phone {login.phone}  password {login.password}  ({login.note})"
            )
            if login.totp_key:
                self.stdout.write(f"  {'':<10} TOTP secret {login.totp_secret}")
        base_url = str(options["base_url"]).rstrip("/")
        self.stdout.write(f"  Site:  {base_url}/")
        self.stdout.write(f"  Admin: {base_url}/admin/")
        if options["persons"]:
            added = scale.seed_scale(int(options["persons"]), progress=self._progress)
            self.stdout.write(f"Scale people added: {added}")
        self.stdout.write(
            "  Staff type a TOTP code after the password: add the secret to an authenticator "
            "app, or run `manage.py demo_totp` for the current codes."
        )

    def _progress(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()
