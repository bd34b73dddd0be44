"""How monitoring follows what the apps below it announce."""

from django.dispatch import receiver

from suppliers.signals import factory_merged

from .models import MonitoringReport


@receiver(factory_merged, dispatch_uid="monitoring-reports-follow-the-site")
def reports_follow_the_site(sender, *, source, target, **kwargs):
    """Monitoring stays with the site: reports filed under the duplicate follow it."""
    MonitoringReport.objects.filter(factory=source).update(factory=target)
