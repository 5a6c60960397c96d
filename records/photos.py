"""Private photos: storage outside every URL, and the checks every upload passes (DESIGN §4.5).

Uploads are accepted only as JPEG or PNG, within a byte and a pixel limit (decompression bombs
are refused before the pixels are decoded), then re-encoded to a fresh JPEG, which drops EXIF
and anything else a file may smuggle, and stored under a random name.
"""

from __future__ import annotations

import io
import os
import secrets
import warnings
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

ERR_NOT_AN_IMAGE = _("只能上传 JPEG 或 PNG 格式的图片")
ERR_TOO_LARGE = _("图片文件不能超过 %(limit)s MB")
ERR_TOO_MANY_PIXELS = _("图片尺寸过大，请上传不超过 %(limit)s 万像素的图片")
ERR_BROKEN = _("图片文件已损坏，无法读取")

ALLOWED_FORMATS = {"JPEG", "PNG"}
JPEG_QUALITY = 88


class PrivateStorage(FileSystemStorage):
    """A file system storage rooted at PRIVATE_MEDIA_ROOT, with no URL at all.

    The root is read on every use, so tests can point PRIVATE_MEDIA_ROOT at a temporary folder.
    """

    def __init__(self) -> None:
        super().__init__(base_url=None)

    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("private files have no URL; serve them through an access-checked view")


private_storage = PrivateStorage()


def get_private_storage() -> PrivateStorage:
    return private_storage


@deconstructible
class RandomName:
    """Store uploads as ``<folder>/<random>.jpg``: the original file name is never kept."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def __call__(self, instance: object, filename: str) -> str:
        return f"{self.folder}/{secrets.token_hex(16)}.jpg"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RandomName) and other.folder == self.folder


def reencode_image(data: bytes) -> bytes:
    """Check an uploaded image and return it re-encoded as a plain JPEG.

    Raises ValidationError with a Chinese message for anything that is not a sound JPEG/PNG
    within the limits.
    """
    max_bytes = settings.PHOTO_MAX_BYTES
    if len(data) > max_bytes:
        raise ValidationError(
            ERR_TOO_LARGE, code="too_large", params={"limit": round(max_bytes / 1024 / 1024, 1)}
        )
    max_pixels = settings.PHOTO_MAX_PIXELS
    try:
        with warnings.catch_warnings():
            # Pillow warns (rather than fails) between MAX_IMAGE_PIXELS and twice that; both
            # are refused here, by our own limit.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ALLOWED_FORMATS:
                    raise ValidationError(ERR_NOT_AN_IMAGE, code="format")
                width, height = probe.size
                if width * height > max_pixels:
                    raise _too_many_pixels(max_pixels)
                probe.verify()
            with Image.open(io.BytesIO(data)) as opened:
                opened.load()
                image = ImageOps.exif_transpose(opened)
                if image.mode not in ("RGB", "L"):
                    background = Image.new("RGB", image.size, "white")
                    rgba = image.convert("RGBA")
                    background.paste(rgba, mask=rgba.getchannel("A"))
                    image = background
                out = io.BytesIO()
                image.convert("RGB").save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(max_pixels) from None
    except ValidationError:
        raise
    except (OSError, SyntaxError, ValueError):
        # Pillow reports unreadable or truncated files as OSError/SyntaxError.
        raise ValidationError(ERR_BROKEN, code="broken") from None
    return out.getvalue()


def _too_many_pixels(max_pixels: int) -> ValidationError:
    return ValidationError(
        ERR_TOO_MANY_PIXELS, code="too_many_pixels", params={"limit": max_pixels // 10_000}
    )


class PrivateFileInput(forms.ClearableFileInput):
    """Says that a file is there without linking to it: private files have no URL."""

    template_name = "records/widgets/private_file.html"

    def is_initial(self, value: object) -> bool:
        # The stock widget asks the file for its URL, which private storage refuses to give.
        return bool(value)


class SafeImageFormField(forms.FileField):
    """A file field whose cleaned value is the re-encoded JPEG, never the uploaded bytes."""

    default_error_messages = {"invalid_image": ERR_NOT_AN_IMAGE}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"})
        )
        super().__init__(**kwargs)

    def to_python(self, data):
        uploaded = super().to_python(data)
        if uploaded is None:
            return None
        uploaded.seek(0)
        clean = reencode_image(uploaded.read())
        return ContentFile(clean, name="photo.jpg")


class PrivateImageField(models.FileField):
    """A model file field for photos: private storage, random names, safe uploads."""

    def __init__(self, *args: Any, folder: str = "photos", **kwargs: Any) -> None:
        self.folder = folder
        kwargs.setdefault("storage", get_private_storage)
        kwargs.setdefault("upload_to", RandomName(folder))
        kwargs.setdefault("max_length", 200)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["folder"] = self.folder
        kwargs.pop("upload_to", None)
        return name, path, args, kwargs

    def formfield(
        self,
        form_class: type[forms.Field] | None = None,
        choices_form_class: type[forms.ChoiceField] | None = None,
        **kwargs: Any,
    ) -> forms.Field | None:
        # The admin passes its own file widget; a private file must never render a link. The
        # form field is always the safe one, whatever form_class the caller asked for.
        kwargs["widget"] = PrivateFileInput(attrs={"accept": "image/jpeg,image/png"})
        return super().formfield(
            form_class=SafeImageFormField, choices_form_class=choices_form_class, **kwargs
        )
