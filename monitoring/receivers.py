"""How monitoring follows what the apps below it announce."""

from django.db.models.signals import post_delete, pre_save
from django.dispatch import receiver

from affiliates.tokens import revoke_tokens
from suppliers.signals import factory_merged

from .models import MonitoringReport, PartnerMembership


@receiver(factory_merged, dispatch_uid="monitoring-reports-follow-the-site")
def reports_follow_the_site(sender, *, source, target, **kwargs):
    """Monitoring stays with the site: reports filed under the duplicate follow it. Answers
    which ones moved, for the merge's record (an undo moves them back)."""
    moved = list(MonitoringReport.objects.filter(factory=source).values_list("pk", flat=True))
    MonitoringReport.objects.filter(pk__in=moved).update(factory=target)
    return {MonitoringReport._meta.label_lower: moved}


@receiver(pre_save, sender=PartnerMembership, dispatch_uid="partner-tokens-follow-the-partner")
def partner_tokens_follow_the_partner(sender, instance, raw=False, **kwargs):
    """A move to another partner changes what the user's tokens read: they are revoked."""
    if raw or instance.pk is None:
        return
    before = PartnerMembership.objects.filter(pk=instance.pk).values_list("partner_id", flat=True)
    if before and before[0] != instance.partner_id:
        revoke_tokens(instance.user_id, reason="moved to another monitoring partner")


@receiver(post_delete, sender=PartnerMembership, dispatch_uid="partner-tokens-removed")
def partner_tokens_removed(sender, instance, **kwargs):
    revoke_tokens(instance.user_id, reason="removed from a monitoring partner")
