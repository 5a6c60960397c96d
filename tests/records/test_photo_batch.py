"""批量上传学历照片: a ZIP, a verdict per file, then all photos or none; archives that attack
the server (path tricks, zip bombs) are refused before anything is decompressed."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from records import photo_batch, photos
from records.models import Enrollment
from tests.factories import photo_file
from tests.twofactor import verified_login

pytestmark = pytest.mark.django_db

UPLOAD = reverse("admin:records_enrollment_photo_batch")
MASTER, LI = "2020558000051", "1955800062"  # 中山大学: 张测试's 硕士, 李另一's 本科


def jpeg(seed: str = "x") -> bytes:
    return photo_file(seed).read()


def zip_of(files: dict[str, bytes]) -> SimpleUploadedFile:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return SimpleUploadedFile("photos.zip", out.getvalue(), "application/zip")


def dry_run(client, files: dict[str, bytes], key: str = "student_number"):
    return client.post(UPLOAD, {"key": key, "archive": zip_of(files)})


def batch_of(response) -> photo_batch.Batch:
    assert response.status_code == 303, response.content.decode()[:2000]
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    return photo_batch.photo_batch_load(user=response.wsgi_request.user, token=token)


def outcomes(batch: photo_batch.Batch) -> dict[str, tuple[str, str]]:
    return {f.name: (f.outcome, f.reason) for f in batch.files}


def diploma_names() -> dict[str, str]:
    return dict(Enrollment.objects.values_list("student_number", "diploma_photo"))


def form_error(response) -> str:
    return " ".join(response.context["form"].errors["archive"])


# --- the dry run --------------------------------------------------------------------------------


def test_the_page_says_how_files_are_named_and_shows_progress(registrar_b_client, people):
    html = registrar_b_client.get(UPLOAD).content.decode()
    assert "按学号命名" in html
    assert "按证件号码命名" in html
    assert "<progress" in html
    assert "photo-batch.js" in html


def test_a_dry_run_lists_each_file_and_changes_nothing(registrar_b_client, people):
    before = diploma_names()
    response = dry_run(registrar_b_client, {f"{MASTER}.jpg": jpeg(), f"2019级/{LI}.PNG": jpeg()})
    batch = batch_of(response)
    assert outcomes(batch) == {
        f"{MASTER}.jpg": ("matched", ""),
        f"2019级/{LI}.PNG": ("matched", ""),
    }
    page = registrar_b_client.get(response["Location"]).content.decode()
    assert "张测试" in page
    assert "李另一" in page
    assert "确认更换" in page
    assert diploma_names() == before


def test_confirming_replaces_every_photo_with_history(registrar_b_client, registrar_b, people):
    before = diploma_names()
    response = dry_run(registrar_b_client, {f"{MASTER}.jpg": jpeg("a"), f"{LI}.jpg": jpeg("b")})
    confirmed = registrar_b_client.post(response["Location"])
    assert confirmed.status_code == 302
    after = diploma_names()
    assert after[MASTER] != before[MASTER]
    assert after[LI] != before[LI]
    master = Enrollment.objects.get(student_number=MASTER)
    latest = master.history.latest()
    assert (latest.history_change_reason, latest.history_user, master.version) == (
        photo_batch.CHANGE_REASON,
        registrar_b,
        2,
    )
    assert any("已更换 2 名学生" in str(m) for m in confirmed.wsgi_request._messages)


def test_files_can_be_named_by_id_number(registrar_b_client, people):
    li = people["李另一"]
    batch = batch_of(dry_run(registrar_b_client, {f"{li.id_number}.jpg": jpeg()}, "id_number"))
    assert batch.files[0].outcome == "matched"
    assert batch.files[0].student_number == LI


def test_an_id_number_with_two_enrolments_at_the_school_asks_for_student_numbers(
    registrar_b_client, people, school_b
):
    from tests.factories import EnrollmentFactory

    EnrollmentFactory(person=people["李另一"], school=school_b, student_number="LI-2")
    name = f"{people['李另一'].id_number}.jpg"
    batch = batch_of(dry_run(registrar_b_client, {name: jpeg()}, "id_number"))
    assert outcomes(batch)[name] == ("invalid", str(photo_batch.ERR_SEVERAL % {"count": 2}))


def test_unmatched_and_other_schools_numbers_are_listed_with_the_reason(registrar_a_client, people):
    batch = batch_of(dry_run(registrar_a_client, {f"{MASTER}.jpg": jpeg(), "99999.jpg": jpeg()}))
    assert outcomes(batch) == {
        f"{MASTER}.jpg": ("unmatched", f"本校没有学号为“{MASTER}”的在籍记录"),
        "99999.jpg": ("unmatched", "本校没有学号为“99999”的在籍记录"),
    }
    assert not batch.can_apply


def test_every_image_is_checked_like_a_single_upload(registrar_b_client, people, settings):
    huge = io.BytesIO()
    Image.new("1", (20000, 20000)).save(huge, "PNG")  # small file, 400 million pixels
    batch = batch_of(
        dry_run(
            registrar_b_client,
            {f"{MASTER}.jpg": b"not really a jpeg", f"{LI}.png": huge.getvalue(), "a.gif": b"GIF"},
        )
    )
    results = outcomes(batch)
    assert results[f"{MASTER}.jpg"] == ("invalid", str(photos.ERR_BROKEN))
    assert results[f"{LI}.png"][0] == "invalid"
    assert "像素" in results[f"{LI}.png"][1]
    assert results["a.gif"] == ("invalid", str(photo_batch.ERR_NOT_AN_IMAGE_NAME))


def test_exif_is_dropped(registrar_b_client, people):
    tagged = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "仿真相机"  # Make
    Image.open(io.BytesIO(jpeg())).save(tagged, "JPEG", exif=exif)
    response = dry_run(registrar_b_client, {f"{MASTER}.jpg": tagged.getvalue()})
    registrar_b_client.post(response["Location"])
    master = Enrollment.objects.get(student_number=MASTER)
    with master.diploma_photo.open("rb") as handle, Image.open(handle) as stored:
        assert not stored.getexif()


def test_two_files_for_one_student_are_both_refused(registrar_b_client, people):
    batch = batch_of(
        dry_run(registrar_b_client, {f"{MASTER}.jpg": jpeg(), f"x/{MASTER}.png": jpeg()})
    )
    assert {outcome for outcome, _reason in outcomes(batch).values()} == {"invalid"}


def test_files_the_system_adds_are_ignored(registrar_b_client, people):
    batch = batch_of(
        dry_run(
            registrar_b_client,
            {f"{MASTER}.jpg": jpeg(), "__MACOSX/._x.jpg": b"", "Thumbs.db": b"x", ".DS_Store": b""},
        )
    )
    assert batch.counts == {"matched": 1, "unmatched": 0, "invalid": 0, "ignored": 3}
    assert batch.can_apply


def test_a_withdrawn_enrolment_is_not_matched(registrar_b_client, people):
    from django.utils import timezone

    Enrollment.objects.filter(student_number=MASTER).update(
        withdrawn_at=timezone.now(), withdrawn_reason="误录"
    )
    batch = batch_of(dry_run(registrar_b_client, {f"{MASTER}.jpg": jpeg()}))
    assert batch.files[0].outcome == "unmatched"


# --- all or nothing ----------------------------------------------------------------------------


def test_a_bad_file_changes_nothing_even_when_confirmed_by_hand(registrar_b_client, people):
    before = diploma_names()
    response = dry_run(registrar_b_client, {f"{MASTER}.jpg": jpeg(), f"{LI}.jpg": b"broken"})
    assert "确认更换" not in registrar_b_client.get(response["Location"]).content.decode()
    registrar_b_client.post(response["Location"])  # a crafted confirmation
    assert diploma_names() == before
    assert Enrollment.objects.get(student_number=MASTER).version == 1


def test_a_failure_while_applying_changes_nothing_and_leaves_no_files(
    registrar_b_client, people, monkeypatch, private_media
):
    before = diploma_names()
    response = dry_run(registrar_b_client, {f"{MASTER}.jpg": jpeg("a"), f"{LI}.jpg": jpeg("b")})
    files_before = sorted(p.name for p in (private_media / "diploma").iterdir())
    real_save = photo_batch.save_versioned
    calls = []

    def failing_second(obj, **kwargs):
        calls.append(obj.pk)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real_save(obj, **kwargs)

    monkeypatch.setattr(photo_batch, "save_versioned", failing_second)
    with pytest.raises(RuntimeError):
        photo_batch.photo_batch_apply(
            user=response.wsgi_request.user, token=batch_of(response).token
        )
    assert diploma_names() == before
    assert sorted(p.name for p in (private_media / "diploma").iterdir()) == files_before


def test_a_record_changed_since_the_dry_run_stops_the_confirmation(registrar_b_client, people):
    before = diploma_names()
    response = dry_run(registrar_b_client, {f"{MASTER}.jpg": jpeg(), f"{LI}.jpg": jpeg()})
    Enrollment.objects.filter(student_number=LI).update(version=5)
    confirmed = registrar_b_client.post(response["Location"])
    assert diploma_names() == before
    assert any(f"学号 {LI} 的学籍被修改" in str(m) for m in confirmed.wsgi_request._messages)


def test_another_persons_dry_run_cannot_be_confirmed(
    registrar_b_client, client_factory, registrar_b, people
):
    from tests.factories import UserFactory

    response = dry_run(registrar_b_client, {f"{MASTER}.jpg": jpeg()})
    colleague = UserFactory(phone="13900000555", is_staff=True, school=registrar_b.school)
    colleague.groups.set(registrar_b.groups.all())
    other = verified_login(client_factory(), colleague)
    before = diploma_names()
    assert other.post(response["Location"]).status_code == 302
    assert diploma_names() == before


def test_support_staff_cannot_upload(client_factory, people):
    from django.contrib.auth.models import Group

    from accounts import roles
    from tests.factories import UserFactory

    agent = UserFactory(phone="13900000403", is_staff=True)
    agent.groups.add(Group.objects.get(name=roles.SUPPORT))
    assert verified_login(client_factory(), agent).get(UPLOAD).status_code == 403


# --- archives that attack ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["../evil.jpg", "photos/../../evil.jpg", "/etc/evil.jpg", "C:evil.jpg", "a\\..\\b.jpg"]
)
def test_path_tricks_in_names_refuse_the_whole_archive(registrar_b_client, people, name):
    response = dry_run(registrar_b_client, {f"{MASTER}.jpg": jpeg(), name: jpeg()})
    assert response.status_code == 200
    assert form_error(response) == str(photo_batch.ERR_PATH_TRICK % {"name": name})


def zip_bomb(name: str, megabytes: int) -> bytes:
    """A real ZIP whose one entry inflates to ``megabytes`` MiB of zeros (deflate, zip64 sizes).

    Built without compressing a gigabyte: after a full flush, deflate writes identical bytes for
    every identical 1 MiB of input, so the stream is one segment repeated.
    """
    chunk = bytes(1024 * 1024)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    segment = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    stream = segment * megabytes + compressor.flush()
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(chunk, crc)
    size, packed, encoded = megabytes * 1024 * 1024, len(stream), name.encode()
    local_extra = struct.pack("<HHQQ", 1, 16, size, packed)
    local = struct.pack(
        "<4sHHHHHIIIHH", b"PK\x03\x04", 45, 0, 8, 0, 0x21, crc, packed, 0xFFFFFFFF,
        len(encoded), len(local_extra),
    ) + encoded + local_extra  # fmt: skip
    central_extra = struct.pack("<HHQ", 1, 8, size)
    central = struct.pack(
        "<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 45, 45, 0, 8, 0, 0x21, crc, packed, 0xFFFFFFFF,
        len(encoded), len(central_extra), 0, 0, 0, 0, 0,
    ) + encoded + central_extra  # fmt: skip
    offset = len(local) + packed
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 1, 1, len(central), offset, 0)
    return local + stream + central + end


def test_the_bomb_is_a_real_bomb():
    bomb = zip_bomb("x.jpg", 64)
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        assert archive.infolist()[0].file_size == 64 * 1024 * 1024
        assert archive.read("x.jpg") == bytes(64 * 1024 * 1024)  # inflates, CRC checked
    assert len(bomb) < 1024 * 1024


def test_a_zip_expanding_to_a_gigabyte_is_refused_unread(registrar_b_client, people, monkeypatch):
    gigabyte_bomb = zip_bomb(f"{MASTER}.jpg", 1024)
    assert len(gigabyte_bomb) < 5 * 1024 * 1024

    def never(*args, **kwargs):
        raise AssertionError("the archive was decompressed")

    monkeypatch.setattr(zipfile.ZipFile, "open", never)
    upload = SimpleUploadedFile("bomb.zip", gigabyte_bomb, "application/zip")
    response = registrar_b_client.post(UPLOAD, {"key": "student_number", "archive": upload})
    assert form_error(response) == str(photo_batch.ERR_EXPANDS_TOO_MUCH % {"limit": "512"})


def test_many_small_bombs_add_up(registrar_b_client, people, settings):
    settings.PHOTO_BATCH_MAX_EXPANDED_BYTES = 3 * 1024 * 1024
    files = {f"{n}.jpg": bytes(1024 * 1024) for n in range(4)}
    assert "解压后超过 3 MB" in form_error(dry_run(registrar_b_client, files))


def test_one_oversized_photo_is_refused_without_being_read(registrar_b_client, people, settings):
    settings.PHOTO_MAX_BYTES = 100 * 1024
    batch = batch_of(dry_run(registrar_b_client, {f"{MASTER}.jpg": bytes(200 * 1024)}))
    assert batch.files[0].outcome == "invalid"
    assert "不能超过" in batch.files[0].reason


def test_too_many_files_or_not_a_zip(registrar_b_client, people, settings):
    settings.PHOTO_BATCH_MAX_FILES = 2
    files = {f"{n}.jpg": b"x" for n in range(3)}
    assert form_error(dry_run(registrar_b_client, files)) == str(
        photo_batch.ERR_TOO_MANY_FILES % {"limit": 2}
    )
    upload = SimpleUploadedFile("x.zip", b"this is not a zip", "application/zip")
    response = registrar_b_client.post(UPLOAD, {"key": "student_number", "archive": upload})
    assert form_error(response) == str(photo_batch.ERR_NOT_A_ZIP)
