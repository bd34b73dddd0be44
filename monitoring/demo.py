"""Demo data for monitoring: one partner organisation and its member."""

from .models import MonitoringPartner, PartnerMembership


def seed(*, scale: int = 0, stdout=None, users=None, **context) -> dict:
    partner, _created = MonitoringPartner.objects.update_or_create(
        slug="workers-voice",
        defaults={
            "name": "Workers' Voice Monitoring Network",
            "countries": ["TH", "MY", "CZ"],
            "contact_email": "contact@monitor.example",
        },
    )
    PartnerMembership.objects.update_or_create(
        user=users["partner@monitor.example"], defaults={"partner": partner}
    )
    return {"partner": partner}
