"""Check a saved report offline: ``manage.py verify_report report.json [--jwks keys.json]``.

The file is what ``GET /api/v1/reports/<code>`` returned (``data`` and ``signature``). Without
``--jwks`` the portal's own public key is used; with it, any published key set (for example the
one downloaded from /.well-known/jwks.json), so the check needs no network and no database.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from verification import signing


class Command(BaseCommand):
    help = "Verify the signature of a saved 在线验证报告 (JSON from the API)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("report", help="path to the saved JSON report")
        parser.add_argument("--jwks", help="path to a JWK set; default: this portal's key")

    def handle(self, *args: Any, **options: object) -> None:
        try:
            document = json.loads(Path(str(options["report"])).read_text(encoding="utf-8"))
            data, signature = document["data"], document["signature"]
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise CommandError(f"not a saved report: {error}") from None
        if options["jwks"]:
            try:
                keys = json.loads(Path(str(options["jwks"])).read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise CommandError(f"not a key set: {error}") from None
        else:
            keys = signing.jwks()
        if not signing.verify(data, signature, keys):
            raise CommandError(
                "INVALID: the data was changed after signing, or another key signed it"
            )
        code = data.get("code", "?")
        self.stdout.write(
            self.style.SUCCESS(f"VALID: report {code}, valid until {data.get('valid_until')}")
        )
