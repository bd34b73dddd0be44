"""Demo data: webinars and trainings.

- a past webinar, held, with attendance recorded for the demo members and its recording (a
  library resource of kind webinar recording, in English and French) and slides;
- an upcoming webinar that is full (two places) with a waiting list;
- an upcoming webinar with free places, for trying registration;
- a methodology training for monitoring partners, upcoming, and an earlier one attended.

Idempotent: events are found by title and moved to dates relative to today; registrations
by event and person. Nothing is e-mailed.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from affiliates.models import User

from ..models import (
    Event,
    EventAudience,
    EventKind,
    Registration,
    Resource,
    ResourceKind,
    ResourceVersion,
)

Status = Registration.Status


def _at(days: int, hour: int) -> datetime:
    return timezone.make_aware(
        datetime.combine(timezone.localdate() + timedelta(days=days), time(hour, 0))
    )


EVENTS = [
    {
        "title": "Human-rights due diligence in ICT procurement",
        "description": (
            "How public buyers build due diligence into procurement planning and contract "
            "management, with examples from affiliates."
        ),
        "kind": EventKind.WEBINAR,
        "audience": EventAudience.BOTH,
        "language": "en",
        "days": -21,
        "hour": 14,
        "capacity": 60,
        "status": Event.Status.HELD,
    },
    {
        "title": "Recruitment fees: remediation that reaches migrant workers",
        "description": (
            "What a remediation plan for recruitment fees looks like, and how buyers follow "
            "the reimbursement."
        ),
        "kind": EventKind.WEBINAR,
        "audience": EventAudience.AFFILIATES,
        "language": "en",
        "days": 9,
        "hour": 10,
        "capacity": 2,
        "status": Event.Status.SCHEDULED,
    },
    {
        "title": "Gestion des contrats avec les conditions d'Electronics Watch",
        "description": (
            "Les clauses contractuelles d'Electronics Watch, la divulgation des sites de "
            "production et le suivi des contrats."
        ),
        "kind": EventKind.TRAINING,
        "audience": EventAudience.AFFILIATES,
        "language": "fr",
        "days": 16,
        "hour": 10,
        "capacity": 40,
        "status": Event.Status.SCHEDULED,
    },
    {
        "title": "Off-site worker interviews: methodology refresher",
        "description": "Interview safety, consent and recording ILO forced-labour indicators.",
        "kind": EventKind.METHODOLOGY,
        "audience": EventAudience.PARTNERS,
        "language": "en",
        "days": 12,
        "hour": 8,
        "capacity": 20,
        "status": Event.Status.SCHEDULED,
    },
    {
        "title": "Worker-driven monitoring: the Electronics Watch methodology",
        "description": "The methodology for new monitoring partners.",
        "kind": EventKind.METHODOLOGY,
        "audience": EventAudience.PARTNERS,
        "language": "en",
        "days": -60,
        "hour": 8,
        "capacity": 20,
        "status": Event.Status.HELD,
    },
]

# (event title, e-mail, status, waiting position)
REGISTRATIONS = [
    (EVENTS[0]["title"], "admin@northvale.example", Status.ATTENDED, None),
    (EVENTS[0]["title"], "officer@northvale.example", Status.ATTENDED, None),
    (EVENTS[0]["title"], "officer@southport.example", Status.ABSENT, None),
    (EVENTS[0]["title"], "consultant@shared.example", Status.ATTENDED, None),
    (EVENTS[0]["title"], "partner@monitor.example", Status.ATTENDED, None),
    (EVENTS[1]["title"], "admin@northvale.example", Status.REGISTERED, None),
    (EVENTS[1]["title"], "officer@southport.example", Status.REGISTERED, None),
    (EVENTS[1]["title"], "consultant@shared.example", Status.WAITING, 1),
    (EVENTS[3]["title"], "partner@monitor.example", Status.REGISTERED, None),
    (EVENTS[4]["title"], "partner@monitor.example", Status.ATTENDED, None),
]

MATERIALS = {
    "recording": [
        ("en", "Recording: due diligence in ICT procurement", "https://video.example.org/ew-dd-en"),
        (
            "fr",
            "Enregistrement : la diligence raisonnable dans les achats TIC",
            "https://video.example.org/ew-dd-fr",
        ),
    ],
    "slides": [
        ("en", "Slides: due diligence in ICT procurement", "https://files.example.org/ew-dd.pdf"),
    ],
}


def seed(**context):
    staff = User.objects.filter(email="staff@ewatch.example").first()
    events = {}
    for spec in EVENTS:
        fields = {k: v for k, v in spec.items() if k not in {"title", "days", "hour"}}
        starts_at = _at(spec["days"], spec["hour"])
        event, _created = Event.objects.update_or_create(
            title=spec["title"],
            defaults={
                **fields,
                "starts_at": starts_at,
                "ends_at": starts_at + timedelta(minutes=90),
                "online_link": "https://meet.example.org/electronics-watch",
                "created_by": staff,
            },
        )
        events[spec["title"]] = event
    users = {u.email: u for u in User.objects.filter(email__in={r[1] for r in REGISTRATIONS})}
    for title, email, status, position in REGISTRATIONS:
        user = users.get(email)
        if user is None:
            continue
        Registration.objects.filter(event=events[title], user=user).exclude(
            status=Status.CANCELLED
        ).exclude(status=status).update(status=status, position=position)
        Registration.objects.get_or_create(
            event=events[title],
            user=user,
            status=status,
            defaults={"position": position, "attendance_recorded_by": staff},
        )
    past = events[EVENTS[0]["title"]]
    for what, versions in MATERIALS.items():
        resource = getattr(past, what)
        if resource is None:
            resource = Resource.objects.create(
                kind=ResourceKind.WEBINAR_RECORDING,
                status=Resource.Status.PUBLISHED,
                published_at=past.ends_at,
                created_by=staff,
            )
            setattr(past, what, resource)
            past.save(update_fields=[what])
        for language, title, link in versions:
            ResourceVersion.objects.get_or_create(
                resource=resource,
                language=language,
                number=1,
                defaults={
                    "title": title,
                    "summary": past.description,
                    "format": ResourceVersion.Format.LINK,
                    "link": link,
                    "created_by": staff,
                },
            )
    return {"demo_events": events}
