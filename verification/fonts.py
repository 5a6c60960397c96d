"""A static CJK TrueType font for PDFs, derived once from the packaged variable Noto Sans SC.

PDF writers embed a subset of a font per document; doing that from the variable font would
instantiate the regular weight every time (close to a minute). The static instance is made once
and kept next to the other generated files (VAR_DIR/fonts), written atomically so that two
workers never see half a font.
"""

from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path

from django.conf import settings

from records.demo_photos import cjk_font_path

REGULAR_WEIGHT = 400


@functools.lru_cache(maxsize=1)
def regular_font_path() -> Path:
    target = Path(settings.VAR_DIR) / "fonts" / "NotoSansSC-Regular.ttf"
    if target.exists():
        return target
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    target.parent.mkdir(parents=True, exist_ok=True)
    font = instancer.instantiateVariableFont(TTFont(str(cjk_font_path())), {"wght": REGULAR_WEIGHT})
    handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".ttf")
    os.close(handle)
    font.save(temporary)
    os.replace(temporary, target)
    return target
