"""Private photos: only the owner and staff allowed to see that person get the bytes."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from PIL import Image

from records import photos
from records.models import Enrollment

pytestmark = pytest.mark.django_db


def photo_url(enrollment: Enrollment, kind: str = "admission") -> str:
    return reverse("records:enrollment-photo", args=[enrollment.public_id, kind])


@pytest.fixture
def master(people) -> Enrollment:
    """张测试's enrolment at 中山大学 (school B)."""
    return Enrollment.objects.get(student_number="2020558000051")


def test_the_owner_gets_the_photo(student_client, master):
    response = student_client.get(photo_url(master))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


def test_the_photo_is_never_cached(student_client, master):
    response = student_client.get(photo_url(master, "diploma"))
    assert "no-store" in response["Cache-Control"]


def test_another_student_gets_404(other_student_client, master):
    assert other_student_client.get(photo_url(master)).status_code == 404


def test_an_anonymous_visitor_gets_404(client, master):
    assert client.get(photo_url(master)).status_code == 404


def test_a_student_without_identity_check_gets_404(client, student, master):
    student.identity_verified_at = None
    student.save()
    client.force_login(student)
    assert client.get(photo_url(master)).status_code == 404


def test_the_registrar_of_that_school_gets_the_photo(registrar_b_client, master):
    assert registrar_b_client.get(photo_url(master)).status_code == 200


def test_the_registrar_of_another_school_gets_404(registrar_a_client, master):
    assert registrar_a_client.get(photo_url(master)).status_code == 404


def test_a_national_administrator_gets_the_photo(admin_client_, master):
    assert admin_client_.get(photo_url(master)).status_code == 200


def test_an_unknown_kind_or_id_is_404(student_client, master):
    assert student_client.get(photo_url(master, "passport")).status_code == 404
    assert (
        student_client.get(
            "/archive/photos/enrollment/00000000-0000-4000-8000-999999999999/admission.jpg"
        ).status_code
        == 404
    )


def test_post_is_refused(student_client, master):
    assert student_client.post(photo_url(master)).status_code == 405


def test_the_file_is_outside_every_public_url(client, master, settings):
    stored = master.admission_photo.name
    assert (settings.PRIVATE_MEDIA_ROOT / stored).exists()
    for prefix in ("/static/", "/media/", "/", "/private/"):
        assert client.get(prefix + stored).status_code == 404
    with pytest.raises(ValueError):
        master.admission_photo.url  # noqa: B018 - the property itself must refuse


def test_the_stored_name_is_random_and_says_nothing(master):
    name = master.admission_photo.name
    assert name.startswith("admission/")
    assert name.endswith(".jpg")
    assert master.person.id_number not in name
    assert master.student_number not in name


# --- uploads -------------------------------------------------------------------------------


def image_bytes(fmt: str = "JPEG", size=(120, 160), exif: bool = False) -> bytes:
    image = Image.new("RGB", size, (60, 120, 200))
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "SecretCamera"  # Make
        image.save(out, fmt, exif=data)
    else:
        image.save(out, fmt)
    return out.getvalue()


def test_an_upload_is_reencoded_without_exif():
    clean = photos.reencode_image(image_bytes(exif=True))
    with Image.open(io.BytesIO(clean)) as result:
        assert result.format == "JPEG"
        assert not result.getexif()
    assert b"SecretCamera" not in clean


def test_a_png_upload_becomes_a_jpeg():
    with Image.open(io.BytesIO(photos.reencode_image(image_bytes("PNG")))) as result:
        assert result.format == "JPEG"


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "WEBP"])
def test_other_formats_are_refused(fmt):
    with pytest.raises(ValidationError) as caught:
        photos.reencode_image(image_bytes(fmt))
    assert caught.value.messages == [str(photos.ERR_NOT_AN_IMAGE)]


def test_a_file_that_is_not_an_image_is_refused():
    with pytest.raises(ValidationError) as caught:
        photos.reencode_image(b"<script>alert(1)</script>")
    assert caught.value.code == "broken"


def test_a_truncated_image_is_refused():
    with pytest.raises(ValidationError) as caught:
        photos.reencode_image(image_bytes()[:200])
    assert caught.value.code == "broken"


def test_a_file_over_the_byte_limit_is_refused(settings):
    settings.PHOTO_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as caught:
        photos.reencode_image(image_bytes(size=(400, 400)) + b"\0" * 1000)
    assert caught.value.code == "too_large"


def png_claiming(width: int, height: int) -> bytes:
    """A few hundred bytes of PNG whose header claims width × height pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\0" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def test_a_decompression_bomb_is_refused_before_decoding(settings):
    settings.PHOTO_MAX_PIXELS = 4000 * 4000
    with pytest.raises(ValidationError) as caught:
        photos.reencode_image(png_claiming(30000, 30000))
    assert caught.value.code == "too_many_pixels"


def test_an_image_just_over_the_pixel_limit_is_refused(settings):
    settings.PHOTO_MAX_PIXELS = 100 * 100
    with pytest.raises(ValidationError) as caught:
        photos.reencode_image(image_bytes(size=(101, 100)))
    assert caught.value.code == "too_many_pixels"
