"""The one exception for a domain action the rules do not allow."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Refused(Exception):
    """Nothing was changed; ``message`` (often a lazy translation) says why, for the user.

    Raised by the services of every app (corrections, photo reviews, identity changes, bulk
    and batch tools, reports, surveys); views and admin actions show ``message`` as it is.
    """

    def __init__(self, message: StrOrPromise) -> None:
        super().__init__(str(message))
        self.message = message
