"""History entries (django-simple-history) always say why.

Writers that know why set ``_change_reason`` (名册导入, 更正申请…, 后台编辑…); anything else — a
seeding command, a shell — gets a plain word for what happened, so no history page ever reads
"None".
"""

from __future__ import annotations

from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record

# Stored as data, in the records' language, like every other change reason.
FALLBACK_REASONS = {"+": "新建", "~": "修改", "-": "删除"}


@receiver(pre_create_historical_record, dispatch_uid="records.history_reason_fallback")
def give_every_entry_a_reason(sender, history_instance, **kwargs) -> None:
    if not history_instance.history_change_reason:
        history_instance.history_change_reason = FALLBACK_REASONS.get(
            history_instance.history_type, "修改"
        )
