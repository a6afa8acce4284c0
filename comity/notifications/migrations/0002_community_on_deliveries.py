
import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_the_notifications_community(apps, schema_editor):
    """Each delivery and outbox message takes its notification's community (none when it has none)."""
    Notification = apps.get_model("notifications", "Notification")
    Delivery = apps.get_model("notifications", "Delivery")
    OutboxMessage = apps.get_model("notifications", "OutboxMessage")
    Delivery.objects.update(
        community_id=Subquery(
            Notification.objects.filter(pk=OuterRef("notification_id")).values("community_id")[:1]
        )
    )
    OutboxMessage.objects.filter(delivery__isnull=False).update(
        community_id=Subquery(Delivery.objects.filter(pk=OuterRef("delivery_id")).values("community_id")[:1])
    )


def forget_the_communities(apps, schema_editor):
    """The columns go away when the migration is reversed; nothing to undo before that."""


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0001_initial'),
        ('structure', '0003_bounds_on_numbers'),
    ]

    operations = [
        migrations.AddField(
            model_name='delivery',
            name='community',
            field=models.ForeignKey(blank=True, help_text="The notification's community; empty when the notification is about none.", null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='structure.community', verbose_name='community'),
        ),
        migrations.AddField(
            model_name='outboxmessage',
            name='community',
            field=models.ForeignKey(blank=True, help_text="The notification's community; empty when the notification is about none.", null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='structure.community', verbose_name='community'),
        ),
        migrations.RunPython(copy_the_notifications_community, forget_the_communities),
    ]
