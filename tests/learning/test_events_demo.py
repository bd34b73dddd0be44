"""The demo data of events: a past webinar with its recording in two languages, slides and
attendance; an upcoming full webinar with a waiting list; a methodology training for
partners. Seeding twice changes nothing."""

from django.core.management import call_command

from learning.models import Event, EventKind, Registration, ResourceKind


def _snapshot():
    return (
        Event.objects.count(),
        sorted(Registration.objects.values_list("event_id", "user_id", "status", "position")),
    )


def test_demo_events_are_complete_and_seeding_twice_changes_nothing(db):
    call_command("seed_demo", verbosity=0)
    first = _snapshot()
    call_command("seed_demo", verbosity=0)
    assert _snapshot() == first

    past = Event.objects.get(status=Event.Status.HELD, kind=EventKind.WEBINAR)
    assert past.recording.kind == ResourceKind.WEBINAR_RECORDING
    assert {v.language for v in past.recording.versions.all()} == {"en", "fr"}
    assert past.slides.versions.exists()
    assert past.registrations.filter(status=Registration.Status.ATTENDED).count() >= 3
    full = Event.objects.get(capacity=2)
    assert full.registrations.filter(status=Registration.Status.REGISTERED).count() == 2
    assert full.registrations.filter(status=Registration.Status.WAITING).exists()
    assert Event.objects.filter(kind=EventKind.METHODOLOGY, audience="partners").exists()
