"""The report's verifiable credential, checked by Digital Bazaar's VC library (tools/vc-check)
against the live test server: its DID document, its status list."""

from __future__ import annotations

import json

import pytest

from tests import vccheck
from verification import services

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def checker():  # type: ignore[no-untyped-def]
    found = vccheck.command()
    if found is None:
        if vccheck.required():
            pytest.fail(vccheck.HOW_TO_ENABLE, pytrace=False)
        pytest.skip(vccheck.HOW_TO_ENABLE)
    return found


@pytest.fixture
def site(settings, live_server) -> str:
    """The live test server is the site: its DID is did:web:localhost%3A<port>."""
    settings.SITE_URL = live_server.url
    return live_server.url


def download(client, report, tmp_path):  # type: ignore[no-untyped-def]
    response = client.get(f"/verify/{report.code}/credential.json")
    assert response.status_code == 200, response.content
    path = tmp_path / "credential.json"
    path.write_bytes(response.content)
    return path


def test_the_library_verifies_a_downloaded_credential(checker, site, client, report, tmp_path):
    verdict = vccheck.run(checker, download(client, report, tmp_path))
    assert verdict["verified"] is True, verdict["error"]
