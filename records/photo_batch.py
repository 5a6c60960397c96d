"""批量上传学历照片: a ZIP of a cohort's photos, checked file by file, applied all or nothing.

Files are named by 学号 or by 证件号码 (the uploader says which), e.g. ``2020558000051.jpg``;
folders inside the ZIP are fine. The dry run (``photo_batch_check``) reads the archive's
directory first and refuses the whole file for path tricks (``..``, absolute or drive paths,
backslashes), too many entries or too large an expansion (a zip bomb), before anything is
decompressed; each entry is then read with a byte cap, matched to a current 学籍 of the school,
and checked and re-encoded exactly like a single upload (``records.photos.reencode_image``:
JPEG/PNG only, size and pixel limits, decompression bombs, EXIF dropped). Nothing is extracted
to disk; the re-encoded photos wait in private storage under a random token with a manifest.

``photo_batch_apply`` installs every waiting photo in one transaction — only if every file
matched and no 学籍 changed since the dry run — or nothing, and removes what it wrote if the
transaction fails.
"""

from __future__ import annotations

import datetime
import json
import os
import posixpath
import re
import secrets
import zipfile
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xuexin.refused import Refused

from .access import records_visible_to
from .identity import IdType, normalize_id_number
from .models import Enrollment, School
from .photos import ERR_TOO_LARGE, get_private_storage, reencode_image
from .versioning import save_versioned

BY_STUDENT_NUMBER = "student_number"
BY_ID_NUMBER = "id_number"
KEYS = {BY_STUDENT_NUMBER: gettext_lazy("学号"), BY_ID_NUMBER: gettext_lazy("证件号码")}
FOLDER = "photo-batches"
CHANGE_REASON = "批量上传学历照片"
IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png"}
# Files operating systems add to archives by themselves.
SYSTEM_FILES = re.compile(r"(^|/)(__MACOSX/|\._|\.DS_Store$|Thumbs\.db$|desktop\.ini$)", re.I)
_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

ERR_NOT_A_ZIP = gettext_lazy("这不是有效的 ZIP 压缩包，请重新打包后上传。")
ERR_ZIP_TOO_LARGE = gettext_lazy("压缩包不能超过 %(limit)s MB。请分成几个压缩包上传。")
ERR_TOO_MANY_FILES = gettext_lazy("压缩包内的文件不能超过 %(limit)d 个。请分成几个压缩包上传。")
ERR_EXPANDS_TOO_MUCH = gettext_lazy(
    "压缩包解压后超过 %(limit)s MB，已拒绝（可能是“压缩炸弹”）。请只打包照片文件。"
)
ERR_PATH_TRICK = gettext_lazy(
    "压缩包中的文件名“%(name)s”包含不允许的路径（如 ../、绝对路径或反斜杠），整个压缩包已拒绝。"
)
ERR_EMPTY = gettext_lazy("压缩包中没有照片文件。")
ERR_NOT_AN_IMAGE_NAME = gettext_lazy("只接受 .jpg、.jpeg 或 .png 文件")
ERR_ENCRYPTED = gettext_lazy("文件已加密，无法读取")
ERR_DUPLICATE = gettext_lazy("同一%(key)s有多个文件：%(names)s")
ERR_NO_MATCH = gettext_lazy("本校没有%(key)s为“%(value)s”的在籍记录")
ERR_SEVERAL = gettext_lazy("该证件号码在本校有 %(count)d 个学籍，请改用学号命名")
ERR_BATCH_GONE = gettext_lazy("试上传的结果已失效，请重新上传压缩包。")
ERR_NOT_ALL_MATCHED = gettext_lazy("还有未匹配或有问题的文件，请修正后重新上传整个压缩包。")
ERR_CHANGED_SINCE = gettext_lazy(
    "试上传后，学号 %(number)s 的学籍被修改或撤销了。为避免覆盖，请重新上传压缩包。"
)
NOTE_IGNORED = gettext_lazy("系统生成的文件，已忽略")

MATCHED, UNMATCHED, INVALID, IGNORED = "matched", "unmatched", "invalid", "ignored"


@dataclass
class FileResult:
    name: str
    outcome: str
    reason: str = ""
    enrollment_id: int | None = None
    version: int | None = None
    student_number: str = ""
    person_name: str = ""
    staged: str = ""


@dataclass
class Batch:
    token: str
    owner_id: int
    school_id: int
    key: str
    created: str
    files: list[FileResult] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys((MATCHED, UNMATCHED, INVALID, IGNORED), 0)
        for result in self.files:
            counts[result.outcome] += 1
        return counts

    @property
    def can_apply(self) -> bool:
        counts = self.counts
        return counts[MATCHED] > 0 and counts[UNMATCHED] == counts[INVALID] == 0


def _limits() -> tuple[int, int, int]:
    return (
        settings.PHOTO_BATCH_MAX_BYTES,
        settings.PHOTO_BATCH_MAX_FILES,
        settings.PHOTO_BATCH_MAX_EXPANDED_BYTES,
    )


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:g}"


def _is_path_trick(name: str) -> bool:
    parts = name.split("/")
    return (
        name.startswith("/")
        or "\\" in name
        or bool(_DRIVE.match(name))
        or ".." in parts
        or bool(_CONTROL.search(name))
    )


def _open_archive(upload) -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]:
    """The archive and its file entries, after every check that needs no decompression."""
    max_bytes, max_files, max_expanded = _limits()
    if upload.size > max_bytes:
        raise Refused(ERR_ZIP_TOO_LARGE % {"limit": _megabytes(max_bytes)})
    try:
        archive = zipfile.ZipFile(upload)
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise Refused(ERR_NOT_A_ZIP) from None
    for entry in entries:
        if _is_path_trick(entry.filename):
            raise Refused(ERR_PATH_TRICK % {"name": entry.filename[:80]})
    files = [entry for entry in entries if not entry.is_dir()]
    if len(files) > max_files:
        raise Refused(ERR_TOO_MANY_FILES % {"limit": max_files})
    # Declared sizes bound what reading can produce: zipfile stops at file_size, and a CRC
    # check catches an entry that lies about it.
    if sum(entry.file_size for entry in files) > max_expanded:
        raise Refused(ERR_EXPANDS_TOO_MUCH % {"limit": _megabytes(max_expanded)})
    if not files:
        raise Refused(ERR_EMPTY)
    return archive, files


def _key_of(name: str, key: str) -> str | None:
    stem, extension = posixpath.splitext(posixpath.basename(name))
    if extension.lower() not in IMAGE_EXTENSIONS:
        return None
    stem = stem.strip()
    if key == BY_ID_NUMBER:
        return normalize_id_number(IdType.RESIDENT_ID, stem)
    return stem


def _candidates(user, school: School, key: str, values: set[str]) -> dict[str, list[Enrollment]]:
    """Current 学籍 of the school (and within the user's scope), by the naming key."""
    enrollments = (
        records_visible_to(user, Enrollment)
        .current()
        .filter(school=school)
        .select_related("person")
    )
    if key == BY_STUDENT_NUMBER:
        enrollments = enrollments.filter(student_number__in=values)
    else:
        numbers = {normalize_id_number(t, v) for v in values for t in IdType.values}
        enrollments = enrollments.filter(person__id_number__in=numbers)
    found: dict[str, list[Enrollment]] = {}
    for enrollment in enrollments:
        value = (
            enrollment.student_number if key == BY_STUDENT_NUMBER else enrollment.person.id_number
        )
        found.setdefault(value, []).append(enrollment)
    return found


def photo_batch_check(*, user, school: School, key: str, upload) -> Batch:
    """The dry run: a verdict per file; matched photos re-encoded and kept for the confirmation."""
    archive, entries = _open_archive(upload)
    storage = get_private_storage()
    forget_old_batches()
    batch = Batch(
        token=secrets.token_hex(16),
        owner_id=user.pk,
        school_id=school.pk,
        key=key,
        created=timezone.now().isoformat(),
    )
    keyed: dict[str, list[zipfile.ZipInfo]] = {}
    results: dict[str, FileResult] = {}
    for entry in entries:
        name = entry.filename
        if SYSTEM_FILES.search(name):
            results[name] = FileResult(name, IGNORED, str(NOTE_IGNORED))
            continue
        value = _key_of(name, key)
        if value is None:
            results[name] = FileResult(name, INVALID, str(ERR_NOT_AN_IMAGE_NAME))
            continue
        keyed.setdefault(value, []).append(entry)
    found = _candidates(user, school, key, set(keyed))
    label = str(KEYS[key])
    for value, same in keyed.items():
        if len(same) > 1:
            names = "、".join(posixpath.basename(e.filename) for e in same)
            for entry in same:
                results[entry.filename] = FileResult(
                    entry.filename, INVALID, str(ERR_DUPLICATE % {"key": label, "names": names})
                )
            continue
        entry = same[0]
        matches = found.get(value, [])
        if not matches:
            reason = ERR_NO_MATCH % {"key": label, "value": value}
            results[entry.filename] = FileResult(entry.filename, UNMATCHED, str(reason))
            continue
        if len(matches) > 1:
            reason = ERR_SEVERAL % {"count": len(matches)}
            results[entry.filename] = FileResult(entry.filename, INVALID, str(reason))
            continue
        results[entry.filename] = _check_image(archive, entry, matches[0], batch, storage)
    batch.files = [results[entry.filename] for entry in entries]
    _save_manifest(batch)
    return batch


def _check_image(archive, entry, enrollment: Enrollment, batch: Batch, storage) -> FileResult:
    result = FileResult(
        entry.filename,
        INVALID,
        enrollment_id=enrollment.pk,
        version=enrollment.version,
        student_number=enrollment.student_number,
        person_name=enrollment.person.name,
    )
    if entry.flag_bits & 0x1:
        result.reason = str(ERR_ENCRYPTED)
        return result
    limit = settings.PHOTO_MAX_BYTES
    try:
        if entry.file_size > limit:  # known from the directory: not even decompressed
            raise ValidationError(ERR_TOO_LARGE, params={"limit": round(limit / 1024 / 1024, 1)})
        with archive.open(entry) as handle:
            data = handle.read(limit + 1)  # a cap, whatever the entry claims
        jpeg = reencode_image(data)
    except ValidationError as error:
        result.reason = "；".join(error.messages)
        return result
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
        result.reason = str(ERR_NOT_A_ZIP)
        return result
    name = f"{FOLDER}/{batch.token}/{secrets.token_hex(8)}.jpg"
    result.staged = storage.save(name, ContentFile(jpeg))
    result.outcome = MATCHED
    return result


def _manifest_name(token: str) -> str:
    return f"{FOLDER}/{token}/manifest.json"


def _save_manifest(batch: Batch) -> None:
    data = asdict(batch)
    get_private_storage().save(
        _manifest_name(batch.token), ContentFile(json.dumps(data, ensure_ascii=False).encode())
    )


def photo_batch_load(*, user, token: str) -> Batch:
    """The dry run ``token`` names, if it is this user's and still there."""
    if not re.fullmatch(r"[0-9a-f]{32}", token or ""):
        raise Refused(ERR_BATCH_GONE)
    storage = get_private_storage()
    try:
        with storage.open(_manifest_name(token)) as handle:
            data = json.loads(handle.read())
    except (FileNotFoundError, ValueError):
        raise Refused(ERR_BATCH_GONE) from None
    files = [FileResult(**row) for row in data.pop("files")]
    batch = Batch(**data, files=files)
    if batch.owner_id != user.pk:
        raise Refused(ERR_BATCH_GONE)
    return batch


def photo_batch_apply(*, user, token: str) -> int:
    """Install every matched photo in one transaction, or none; return how many."""
    batch = photo_batch_load(user=user, token=token)
    if not batch.can_apply:
        raise Refused(ERR_NOT_ALL_MATCHED)
    storage = get_private_storage()
    rows = [result for result in batch.files if result.outcome == MATCHED]
    written: list[str] = []
    try:
        with transaction.atomic():
            scope = records_visible_to(user, Enrollment).current().filter(school_id=batch.school_id)
            locked = {
                enrollment.pk: enrollment
                for enrollment in scope.select_for_update()
                .filter(pk__in=[row.enrollment_id for row in rows])
                .order_by("pk")
            }
            for row in rows:
                enrollment = locked.get(row.enrollment_id)
                if enrollment is None or enrollment.version != row.version:
                    raise Refused(ERR_CHANGED_SINCE % {"number": row.student_number})
                try:
                    with storage.open(row.staged) as handle:
                        photo = ContentFile(handle.read())
                except FileNotFoundError:
                    raise Refused(ERR_BATCH_GONE) from None
                enrollment.diploma_photo.save("photo.jpg", photo, save=False)
                written.append(enrollment.diploma_photo.name)
                enrollment._change_reason = CHANGE_REASON
                enrollment._history_user = user
                save_versioned(
                    enrollment,
                    expected_version=enrollment.version,
                    update_fields=["diploma_photo", "updated_at"],
                )
    except BaseException:
        for name in written:  # the rows kept their old photos; the new files are orphans
            storage.delete(name)
        raise
    forget_batch(token)
    return len(rows)


def forget_batch(token: str) -> None:
    storage = get_private_storage()
    folder = f"{FOLDER}/{token}"
    try:
        _dirs, names = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in names:
        storage.delete(f"{folder}/{name}")
    try:
        os.rmdir(storage.path(folder))
    except OSError:
        pass  # someone else is writing there; the next clean-up takes it


def forget_old_batches(max_age: datetime.timedelta = datetime.timedelta(days=1)) -> None:
    """Dry runs nobody confirmed are removed once their folder has been still for a day."""
    storage = get_private_storage()
    try:
        tokens, _names = storage.listdir(FOLDER)
    except FileNotFoundError:
        return
    cutoff = (timezone.now() - max_age).timestamp()
    for token in tokens:
        try:
            still_since = os.path.getmtime(storage.path(f"{FOLDER}/{token}"))
        except OSError:
            continue
        if still_since < cutoff:
            forget_batch(token)


def summary(batch: Batch) -> str:
    return (
        _(
            "已匹配 %(matched)d 个，未匹配 %(unmatched)d 个，"
            "有问题 %(invalid)d 个，已忽略 %(ignored)d 个"
        )
        % batch.counts
    )
