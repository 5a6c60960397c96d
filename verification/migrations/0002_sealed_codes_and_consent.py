"""Report codes leave the database: a keyed digest to find a report, a sealed copy for its owner.

Existing reports keep their (shorter) codes, which stay valid until they expire: each code is
digested and sealed, the copy inside the stored payload is dropped (it is put back when the
report is served, so old signatures still verify), and every report gets a public id for the
owner's URLs. Consent fields start empty for reports issued before consent was recorded.
"""

import uuid

from django.db import migrations, models


def seal_codes(apps, schema_editor):
    from verification import codes

    Report = apps.get_model("verification", "VerificationReport")
    for report in Report.objects.all().iterator():
        report.code_digest = codes.digest(report.code)
        report.code_sealed = codes.seal(report.code)
        report.public_id = uuid.uuid4()
        report.payload = {k: v for k, v in report.payload.items() if k != "code"}
        report.save(update_fields=["code_digest", "code_sealed", "public_id", "payload"])


def unseal_codes(apps, schema_editor):
    from verification import codes

    Report = apps.get_model("verification", "VerificationReport")
    for report in Report.objects.all().iterator():
        report.code = codes.unseal(report.code_sealed)
        report.payload = {**report.payload, "code": report.code}
        report.save(update_fields=["code", "payload"])


class Migration(migrations.Migration):
    dependencies = [("verification", "0001_reports_and_lookups")]

    operations = [
        migrations.AddField(
            model_name="verificationreport",
            name="code_digest",
            field=models.CharField(
                editable=False, max_length=64, null=True, verbose_name="验证码摘要"
            ),
        ),
        migrations.AddField(
            model_name="verificationreport",
            name="code_sealed",
            field=models.TextField(default="", editable=False, verbose_name="验证码（加密）"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="verificationreport",
            name="public_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="verificationreport",
            name="consent_version",
            field=models.CharField(blank=True, max_length=20, verbose_name="授权说明版本"),
        ),
        migrations.AddField(
            model_name="verificationreport",
            name="consent_scope",
            field=models.JSONField(blank=True, default=dict, verbose_name="授权范围"),
        ),
        migrations.AddField(
            model_name="verificationreport",
            name="consented_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="授权时间"),
        ),
        migrations.AlterField(
            model_name="verificationreport",
            name="code",
            field=models.CharField(max_length=16, null=True, unique=True, verbose_name="在线验证码"),
        ),
        migrations.RunPython(seal_codes, unseal_codes),
        migrations.RemoveConstraint(
            model_name="verificationreport", name="report_code_format"
        ),
        migrations.RemoveField(model_name="verificationreport", name="code"),
        migrations.AlterField(
            model_name="verificationreport",
            name="code_digest",
            field=models.CharField(
                editable=False, max_length=64, unique=True, verbose_name="验证码摘要"
            ),
        ),
        migrations.AlterField(
            model_name="verificationreport",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
