"""Every report and recipient code has its status list position (0006 drew them); a separate
migration, as PostgreSQL refuses to alter a table with row updates pending in the same one."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("verification", "0006_report_status_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="recipientcode",
            name="status_index",
            field=models.PositiveIntegerField(
                editable=False, unique=True, verbose_name="状态列表位置"
            ),
        ),
        migrations.AlterField(
            model_name="verificationreport",
            name="status_index",
            field=models.PositiveIntegerField(
                editable=False, unique=True, verbose_name="状态列表位置"
            ),
        ),
    ]
