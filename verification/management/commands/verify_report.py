"""Check a saved report offline: ``manage.py verify_report report.json [--jwks keys.json]``.

Two kinds of file are understood:

- what ``GET /api/v1/reports/<code>`` returned (``data`` and ``signature``, a detached JWS).
  Without ``--jwks`` the portal's own public key is used; with it, any published key set (for
  example the one downloaded from /.well-known/jwks.json), so the check needs no network and
  no database;
- a verifiable credential (``credential.json`` from the report pages): its eddsa-jcs-2022
  proof against the site's DID document (``--did`` for a downloaded /.well-known/did.json),
  its validity window, and its revocation status (``--status-list`` for a downloaded status
  list credential; by default read from this portal's database).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from verification import credential_check, did, signing


def _read_json(path: object, what: str) -> dict[str, object]:
    try:
        document = json.loads(Path(str(path)).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CommandError(f"not {what}: {error}") from None
    if not isinstance(document, dict):
        raise CommandError(f"not {what}: not a JSON object")
    return document


class Command(BaseCommand):
    help = (
        "Verify a saved 在线验证报告: the JSON from the API (signature) or a verifiable "
        "credential (proof, validity, revocation status)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("report", help="path to the saved JSON report or credential")
        parser.add_argument("--jwks", help="path to a JWK set; default: this portal's key")
        parser.add_argument(
            "--did", help="path to the issuer's DID document; default: this portal's"
        )
        parser.add_argument(
            "--status-list",
            help="path to the status list credential; default: this portal's database",
        )

    def handle(self, *args: Any, **options: object) -> None:
        document = _read_json(options["report"], "a saved report")
        if "proof" in document and "@context" in document:
            self._verify_credential(document, options)
            return
        try:
            data, signature = document["data"], document["signature"]
        except KeyError as error:
            raise CommandError(f"not a saved report: {error}") from None
        if not isinstance(data, dict):
            raise CommandError("not a saved report: its data is not a JSON object")
        keys: Mapping[str, object]
        if options["jwks"]:
            keys = _read_json(options["jwks"], "a key set")
        else:
            keys = signing.jwks()
        if not signing.verify(data, signature, keys):  # type: ignore[arg-type]  # the --jwks file as read
            raise CommandError(
                "INVALID: the data was changed after signing, or another key signed it"
            )
        code = data.get("code", "?")
        self.stdout.write(
            self.style.SUCCESS(f"VALID: report {code}, valid until {data.get('valid_until')}")
        )

    def _verify_credential(self, document: dict[str, object], options: dict[str, object]) -> None:
        if options["did"]:
            did_document = _read_json(options["did"], "a DID document")
        else:
            did_document = did.did_document()
        status_list = None
        if options["status_list"]:
            status_list = _read_json(options["status_list"], "a status list credential")
        checks = [
            credential_check.check_proof(document, did_document),
            credential_check.check_validity(document),
            credential_check.check_status(document, did_document, status_list),
        ]
        for check in checks:
            line = f"{check.name}: {check.detail}"
            self.stdout.write(self.style.SUCCESS(line) if check.passed else self.style.ERROR(line))
        failed = [check.name for check in checks if not check.passed]
        if failed:
            raise CommandError(f"INVALID: the credential fails its {', '.join(failed)} check")
        subject = document.get("credentialSubject")
        code = subject.get("code", "?") if isinstance(subject, dict) else "?"
        self.stdout.write(
            self.style.SUCCESS(
                f"VALID: credential {document.get('id')}, report {code}, "
                f"valid until {document.get('validUntil')}"
            )
        )
