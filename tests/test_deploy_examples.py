"""The deploy examples work: deploy/nginx.conf on this machine's nginx (Debian 12: 1.22).

``nginx -t`` must accept the example as shipped (only certificate and file paths are pointed at
a scratch folder), and a real nginx running it must keep the security headers on photos it
serves by X-Accel-Redirect, speak only TLS 1.2 and 1.3, and log no report code.
"""

from __future__ import annotations

import getpass
import http.server
import os
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

BASE_DIR = Path(__file__).resolve().parent.parent
EXAMPLE = BASE_DIR / "deploy" / "nginx.conf"
CODE = "SABCDEFGHJKMNPQRSTVWX"[:20]


def nginx_binary() -> str:
    found = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(found).exists(), "nginx is not installed (Debian: apt-get install nginx-light)"
    return found


def self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "xuexin-sim.example")])
    now = time.time()
    import datetime

    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(datetime.datetime.fromtimestamp(now - 60, datetime.UTC))
        .not_valid_after(datetime.datetime.fromtimestamp(now + 3600, datetime.UTC))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def site_config(folder: Path, *, http_port: int = 80, https_port: int = 443,
                app_port: int = 8000) -> Path:  # fmt: skip
    """The example with only its paths (and, to run it, its ports) pointed at ``folder``."""
    cert, key = self_signed(folder)
    text = EXAMPLE.read_text()
    text = text.replace("/etc/ssl/certs/xuexin-sim.pem", str(cert))
    text = text.replace("/etc/ssl/private/xuexin-sim.key", str(key))
    text = text.replace("/var/log/nginx/", f"{folder}/")
    text = text.replace("/srv/xuexin/var/", f"{folder}/")
    text = re.sub(r"listen (\[::\]:)?80;", f"listen 127.0.0.1:{http_port};", text)
    text = re.sub(r"listen (\[::\]:)?443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;",
                  text)  # fmt: skip
    text = text.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};")
    # Two listen lines per server collapse into one address: keep the first of each.
    text = re.sub(r"(listen 127\.0\.0\.1:\d+( ssl http2)?;)\n\s*\1", r"\1", text)
    site = folder / "site.conf"
    site.write_text(text)
    main = folder / "nginx.conf"
    # Workers read the scratch folder (private to its owner) as that owner.
    user = f"user {getpass.getuser()};\n" if os.geteuid() == 0 else ""
    main.write_text(
        f"{user}pid {folder}/nginx.pid;\nerror_log {folder}/error.log;\nevents {{}}\n"
        f"http {{\n  include /etc/nginx/mime.types;\n  access_log {folder}/default.log;\n"
        f"  include {site};\n}}\n"
    )
    return main


def test_nginx_accepts_the_example(tmp_path):
    main = site_config(tmp_path)
    result = subprocess.run(  # noqa: S603 - our own nginx and scratch files
        [nginx_binary(), "-t", "-c", str(main), "-p", str(tmp_path)],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_the_example_has_no_directive_newer_than_debian_12():
    text = EXAMPLE.read_text()
    assert not re.search(r"^\s*http2 on;", text, re.MULTILINE)  # nginx >= 1.25.1 only
    assert re.search(r"^\s*ssl_protocols TLSv1.2 TLSv1.3;", text, re.MULTILINE)


class FakeApp(http.server.BaseHTTPRequestHandler):
    """Stands in for Django: hands photos to nginx, answers everything else with 200."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self.send_response(200)
        if self.path == "/archive/photos/p.jpg":
            self.send_header("X-Accel-Redirect", "/_private/p.jpg")
            self.send_header("Content-Type", "image/jpeg")
        else:
            self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def running_nginx(tmp_path):
    (tmp_path / "private").mkdir()
    (tmp_path / "private" / "p.jpg").write_bytes(b"\xff\xd8\xff\xe0 a photo")
    app = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeApp)
    threading.Thread(target=app.serve_forever, daemon=True).start()
    https_port = free_port()
    main = site_config(
        tmp_path, http_port=free_port(), https_port=https_port, app_port=app.server_address[1]
    )
    process = subprocess.Popen(  # noqa: S603 - our own nginx and scratch files
        [nginx_binary(), "-c", str(main), "-p", str(tmp_path), "-g", "daemon off;"],
        stderr=subprocess.PIPE,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", https_port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.05)
    yield https_port, tmp_path
    process.terminate()
    process.wait(timeout=10)
    app.shutdown()


def fetch(port: int, path: str, **tls: object):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    for name, value in tls.items():
        setattr(context, name, value)
    request = urllib.request.Request(f"https://127.0.0.1:{port}{path}",
                                     headers={"Host": "xuexin-sim.example"})  # fmt: skip
    return urllib.request.urlopen(request, context=context, timeout=10)  # noqa: S310


def test_photos_by_x_accel_redirect_keep_the_security_headers(running_nginx):
    port, _folder = running_nginx
    response = fetch(port, "/archive/photos/p.jpg")
    assert response.read() == b"\xff\xd8\xff\xe0 a photo"
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cache-Control"] == "private, no-store"
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["Cross-Origin-Resource-Policy"] == "same-origin"


def test_tls_1_2_and_1_3_are_both_spoken(running_nginx):
    # Older versions are off by the ssl_protocols line (checked above); this machine's OpenSSL
    # refuses them as a client too, so a handshake could not show it.
    port, _folder = running_nginx
    assert fetch(port, "/", minimum_version=ssl.TLSVersion.TLSv1_3).status == 200
    assert fetch(port, "/", maximum_version=ssl.TLSVersion.TLSv1_2).status == 200


def test_the_access_log_never_records_a_report_code(running_nginx):
    port, folder = running_nginx
    for path in (f"/verify/{CODE}/", f"/verify/{CODE}/report.pdf?lang=en",
                 f"/api/v1/reports/{CODE}", "/help/"):  # fmt: skip
        fetch(port, path).read()
    time.sleep(0.2)
    log = (folder / "xuexin.access.log").read_text()
    assert CODE not in log
    assert "lang=en" not in log
    assert "/verify/<code>/report.pdf" in log
    assert "/api/v1/reports/<code>" in log
    assert '"GET /help/"' in log
