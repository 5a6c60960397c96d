"""Status list positions for report credentials: a random free one for every existing report
and recipient code (verification.statuslist), then required and unique (0007)."""

import secrets

from django.db import migrations, models

# verification.statuslist.LIST_LENGTH, fixed here as it was when this migration was written.
LIST_LENGTH = 131_072


def draw_positions(apps, schema_editor):
    for name in ("VerificationReport", "RecipientCode"):
        model = apps.get_model("verification", name)
        taken: set[int] = set()
        for pk in model.objects.order_by("pk").values_list("pk", flat=True).iterator():
            number = len(taken) // (LIST_LENGTH * 3 // 4)  # fill each list to three quarters
            while True:
                candidate = number * LIST_LENGTH + secrets.randbelow(LIST_LENGTH)
                if candidate not in taken:
                    break
            taken.add(candidate)
            model.objects.filter(pk=pk).update(status_index=candidate)


class Migration(migrations.Migration):
    dependencies = [
        ("verification", "0005_reminded_expiry"),
    ]

    operations = [
        migrations.AddField(
            model_name="recipientcode",
            name="status_index",
            field=models.PositiveIntegerField(
                editable=False, null=True, verbose_name="状态列表位置"
            ),
        ),
        migrations.AddField(
            model_name="verificationreport",
            name="status_index",
            field=models.PositiveIntegerField(
                editable=False, null=True, verbose_name="状态列表位置"
            ),
        ),
        # Backwards, the column goes away with the field: nothing to undo here.
        migrations.RunPython(draw_positions, migrations.RunPython.noop),
    ]
