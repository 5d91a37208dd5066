"""Every email through the outbox (issue 17 item 2): a notification goes to an address, which may
have no account yet (an invitation, a password reset), and an email that is not a reminder nor a
status change is keyed by `key` instead of a deadline."""

from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def address_of_recipient(apps, schema_editor):
    Notification = apps.get_model("members", "Notification")
    User = apps.get_model("members", "User")
    Notification.objects.filter(email="").update(
        email=Subquery(User.objects.filter(pk=OuterRef("recipient_id")).values("email")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0004_user_language"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="email",
            field=models.EmailField(default="", max_length=254, verbose_name="email address"),
            preserve_default=False,
        ),
        migrations.RunPython(address_of_recipient, migrations.RunPython.noop, elidable=True),
        migrations.AddField(
            model_name="notification",
            name="key",
            field=models.CharField(blank=True, default="", max_length=200, verbose_name="key"),
        ),
        migrations.AlterField(
            model_name="notification",
            name="recipient",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=models.deletion.CASCADE,
                related_name="notifications",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="notification",
            name="jurisdiction",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=models.deletion.PROTECT,
                related_name="notifications",
                to="members.jurisdiction",
            ),
        ),
        migrations.AlterField(
            model_name="notification",
            name="topic",
            field=models.CharField(
                choices=[
                    ("reminder", "deadline reminder"),
                    ("missed", "missed deadline"),
                    ("status", "status change"),
                    ("request", "request"),
                    ("decision", "decision"),
                    ("invitation", "invitation"),
                    ("account", "Account"),
                ],
                max_length=10,
                verbose_name="topic",
            ),
        ),
        migrations.AlterField(
            model_name="notification",
            name="deadline_kind",
            field=models.CharField(
                blank=True, default="", max_length=40, verbose_name="deadline kind"
            ),
        ),
        migrations.AlterField(
            model_name="notification",
            name="due",
            field=models.DateField(blank=True, null=True, verbose_name="due on"),
        ),
        migrations.AlterField(
            model_name="notification",
            name="offset",
            field=models.SmallIntegerField(blank=True, null=True, verbose_name="days before"),
        ),
        migrations.AddConstraint(
            model_name="notification",
            constraint=models.UniqueConstraint(
                condition=models.Q(("key", ""), _negated=True),
                fields=("key", "email"),
                name="members_notification_key_once",
                violation_error_message="This person was already notified of this.",
            ),
        ),
        migrations.AddConstraint(
            model_name="notification",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("jurisdiction__isnull", False),
                        ("key", ""),
                        ("recipient__isnull", False),
                        models.Q(("deadline_kind", ""), _negated=True),
                        ("due__isnull", False),
                        ("offset__isnull", False),
                    ),
                    models.Q(
                        models.Q(("key", ""), _negated=True),
                        ("deadline_kind", ""),
                        ("due__isnull", True),
                        ("offset__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="members_notification_keyed",
            ),
        ),
    ]
