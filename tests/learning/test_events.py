"""Webinars and trainings: registering, the waiting list, cancelling, the audience rule,
attendance, the materials, the training records and the pages' query budgets."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from affiliates.models import Membership
from core.errors import DomainError
from core.outbox import outbox_send_pending
from learning.models import (
    Event,
    EventAudience,
    EventKind,
    Registration,
    Resource,
    ResourceKind,
)
from learning.services import events as services
from tests.factories import (
    EventFactory,
    MembershipFactory,
    MonitoringPartnerFactory,
    PartnerMemberFactory,
    RegistrationFactory,
    UserFactory,
    member,
)

pytestmark = pytest.mark.django_db
Status = Registration.Status


def send_all() -> int:
    total = 0
    while sent := outbox_send_pending():
        total += sent
    return total


def to(mailoutbox, user):
    return [m for m in mailoutbox if m.to == [user.email]]


def started(event, *, hours_ago=2):
    """Move an event into the past (as if time had passed)."""
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - timedelta(hours=hours_ago),
        ends_at=timezone.now() - timedelta(hours=hours_ago - 1),
    )
    event.refresh_from_db()
    return event


@pytest.fixture
def full_event(northvale):
    return EventFactory(capacity=2, audience=EventAudience.AFFILIATES)


# --- The waiting list ---------------------------------------------------------------------


def test_a_full_event_puts_the_next_registrant_on_the_waiting_list_and_promotes_them_on_cancel(
    full_event, northvale, mailoutbox, django_capture_on_commit_callbacks
):
    first, second, third, fourth = (member(northvale) for _ in range(4))
    with django_capture_on_commit_callbacks(execute=True):
        kept = services.registration_create(event=full_event, user=first)
        leaving = services.registration_create(event=full_event, user=second)
        waiting = services.registration_create(event=full_event, user=third)
        behind = services.registration_create(event=full_event, user=fourth)
    send_all()

    assert [kept.status, leaving.status] == [Status.REGISTERED, Status.REGISTERED]
    assert waiting.status == Status.WAITING and waiting.waiting_rank() == 1
    assert behind.status == Status.WAITING and behind.waiting_rank() == 2
    (waiting_mail,) = to(mailoutbox, third)
    assert "waiting list" in waiting_mail.subject
    assert "in position 1" in waiting_mail.body
    assert waiting_mail.attachments == []  # no invitation without a place
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.registration_cancel(registration=leaving, by=second)
    send_all()

    assert promoted.pk == waiting.pk
    waiting.refresh_from_db()
    behind.refresh_from_db()
    leaving.refresh_from_db()
    assert waiting.status == Status.REGISTERED and waiting.promoted_at is not None
    assert waiting.position is None
    assert behind.waiting_rank() == 1
    assert leaving.status == Status.CANCELLED and leaving.cancelled_at is not None
    assert full_event.registrations.filter(status=Status.REGISTERED).count() == 2
    (promotion,) = to(mailoutbox, third)
    assert full_event.title in promotion.subject
    assert "you are now registered" in promotion.body
    assert full_event.online_link in promotion.body
    (invitation,) = promotion.attachments
    assert invitation.get_content_type() == "text/calendar"
    assert invitation.get_param("method") == "REQUEST"
    (cancellation,) = to(mailoutbox, second)
    assert "cancelled" in cancellation.subject
    assert to(mailoutbox, fourth) == []


def test_leaving_the_waiting_list_frees_no_place_and_promotes_nobody(full_event, northvale):
    users = [member(northvale) for _ in range(4)]
    registrations = [services.registration_create(event=full_event, user=u) for u in users]

    promoted = services.registration_cancel(registration=registrations[2], by=users[2])

    assert promoted is None
    registrations[3].refresh_from_db()
    assert registrations[3].status == Status.WAITING
    assert registrations[3].waiting_rank() == 1


def test_more_places_go_to_the_waiting_list_in_its_order(full_event, northvale, staff):
    users = [member(northvale) for _ in range(5)]
    registrations = [services.registration_create(event=full_event, user=u) for u in users]
    data = services.EventData(
        **{
            name: getattr(full_event, name)
            for name in services.EventData.__dataclass_fields__
            if name != "capacity"
        },
        capacity=3,
    )

    services.event_update(event=full_event, data=data, by=staff)

    statuses = [Registration.objects.get(pk=r.pk).status for r in registrations]
    assert statuses == [Status.REGISTERED] * 3 + [Status.WAITING] * 2


def test_registering_twice_is_refused_and_changes_nothing(full_event, northvale_officer):
    services.registration_create(event=full_event, user=northvale_officer)

    with pytest.raises(DomainError, match="already registered"):
        services.registration_create(event=full_event, user=northvale_officer)
    assert full_event.registrations.count() == 1


def test_someone_who_cancelled_may_register_again(full_event, northvale_officer):
    registration = services.registration_create(event=full_event, user=northvale_officer)
    services.registration_cancel(registration=registration, by=northvale_officer)

    again = services.registration_create(event=full_event, user=northvale_officer)

    assert again.status == Status.REGISTERED
    assert full_event.registrations.count() == 2


def test_nobody_registers_or_cancels_once_the_event_has_started(full_event, northvale):
    officer, late = member(northvale), member(northvale)
    registration = services.registration_create(event=full_event, user=officer)
    started(full_event)

    with pytest.raises(DomainError, match="already started"):
        services.registration_create(event=full_event, user=late)
    with pytest.raises(DomainError, match="has started"):
        services.registration_cancel(registration=registration, by=officer)


def test_nobody_cancels_someone_elses_registration(full_event, northvale):
    officer, other = member(northvale), member(northvale)
    registration = services.registration_create(event=full_event, user=officer)

    with pytest.raises(DomainError, match="your own"):
        services.registration_cancel(registration=registration, by=other)
    registration.refresh_from_db()
    assert registration.status == Status.REGISTERED


def test_staff_cancelling_an_event_tells_everyone_with_a_calendar_cancellation(
    full_event, northvale, staff, mailoutbox, django_capture_on_commit_callbacks
):
    users = [member(northvale) for _ in range(3)]
    for user in users:
        services.registration_create(event=full_event, user=user)
    send_all()
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        told = services.event_cancel(event=full_event, by=staff)
    send_all()

    assert told == 3
    full_event.refresh_from_db()
    assert full_event.status == Event.Status.CANCELLED
    with_place = to(mailoutbox, users[0])[0]
    assert with_place.attachments[0].get_param("method") == "CANCEL"
    assert to(mailoutbox, users[2])[0].attachments == []  # was waiting: nothing to take out


# --- The audience rule --------------------------------------------------------------------


def test_partner_members_register_only_for_events_for_partners(northvale_officer):
    partner_member = PartnerMemberFactory()
    for_affiliates = EventFactory(audience=EventAudience.AFFILIATES)
    for_partners = EventFactory(audience=EventAudience.PARTNERS, kind=EventKind.METHODOLOGY)

    with pytest.raises(DomainError, match="only"):
        services.registration_create(event=for_affiliates, user=partner_member)
    with pytest.raises(DomainError, match="only"):
        services.registration_create(event=for_partners, user=northvale_officer)

    assert services.registration_create(event=for_partners, user=partner_member).pk
    assert services.registration_create(event=for_affiliates, user=northvale_officer).pk


def test_each_audience_sees_its_events_and_a_user_without_a_role_none(client, northvale_officer):
    for_affiliates = EventFactory(audience=EventAudience.AFFILIATES, title="For buyers")
    for_partners = EventFactory(audience=EventAudience.PARTNERS, title="For monitors")
    for_both = EventFactory(audience=EventAudience.BOTH, title="For everyone")
    partner_member = PartnerMemberFactory()
    nobody = UserFactory()

    client.force_login(northvale_officer)
    page = client.get(reverse("learning:events")).content.decode()
    assert "For buyers" in page and "For everyone" in page and "For monitors" not in page
    url = reverse("learning:event", kwargs={"pk": for_partners.pk})
    assert client.get(url).status_code == 404

    client.force_login(partner_member)
    page = client.get(reverse("learning:events")).content.decode()
    assert "For monitors" in page and "For everyone" in page and "For buyers" not in page
    assert (
        client.get(reverse("learning:event", kwargs={"pk": for_affiliates.pk})).status_code == 404
    )

    client.force_login(nobody)
    page = client.get(reverse("learning:events")).content.decode()
    assert "For everyone" not in page
    assert client.get(reverse("learning:event", kwargs={"pk": for_both.pk})).status_code == 404


# --- Pages --------------------------------------------------------------------------------


def test_an_officer_registers_on_the_page_and_sees_the_link_to_join(
    client, northvale_officer, django_capture_on_commit_callbacks, mailoutbox
):
    event = EventFactory(online_link="https://meet.example.org/secret-room")
    client.force_login(northvale_officer)
    page = client.get(event.get_absolute_url()).content.decode()
    assert "secret-room" not in page
    assert "Register" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("learning:event_register", kwargs={"pk": event.pk}))
    assert response.status_code == 302

    page = client.get(event.get_absolute_url()).content.decode()
    assert "You are registered." in page
    assert "https://meet.example.org/secret-room" in page
    assert "Cancel my registration" in page
    send_all()
    assert [m.to for m in mailoutbox] == [[northvale_officer.email]]


def test_the_page_shows_the_position_on_the_waiting_list(client, northvale):
    event = EventFactory(capacity=1)
    services.registration_create(event=event, user=member(northvale))
    officer = member(northvale)
    client.force_login(officer)

    client.post(reverse("learning:event_register", kwargs={"pk": event.pk}))

    page = client.get(event.get_absolute_url()).content.decode()
    assert "You are on the waiting list, in position 1." in page
    assert event.online_link not in page
    listing = client.get(reverse("learning:events")).content.decode()
    assert "Waiting list: number 1" in listing


def test_upcoming_events_come_first_and_past_ones_below(client, northvale_officer):
    later = EventFactory(title="Later webinar", starts_at=timezone.now() + timedelta(days=20))
    sooner = EventFactory(title="Sooner webinar", starts_at=timezone.now() + timedelta(days=2))
    older = started(EventFactory(title="Older webinar"), hours_ago=24 * 30)
    recent = started(EventFactory(title="Recent webinar"), hours_ago=24 * 3)
    assert later and sooner and older and recent
    client.force_login(northvale_officer)

    page = client.get(reverse("learning:events")).content.decode()

    order = [page.index(t) for t in ("Sooner", "Later", "Past events", "Recent", "Older")]
    assert order == sorted(order)
    past_only = client.get(reverse("learning:events"), {"when": "past"}).content.decode()
    assert "Sooner webinar" not in past_only and "Recent webinar" in past_only


def test_staff_schedule_an_event_and_bad_times_change_nothing(client, staff):
    client.force_login(staff)
    start = (timezone.localtime() + timedelta(days=10)).replace(hour=14, minute=0)
    fields = {
        "title": "Forced labour indicators",
        "description": "The ILO indicators in practice.",
        "kind": EventKind.WEBINAR,
        "audience": EventAudience.BOTH,
        "language": "fr",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "online_link": "https://meet.example.org/ilo",
        "capacity": 40,
    }

    response = client.post(reverse("learning:event_create"), fields)
    assert response.status_code == 200
    assert "The event must end after it starts." in response.content.decode()
    assert not Event.objects.exists()

    fields["ends_at"] = (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("learning:event_create"), fields)
    event = Event.objects.get()
    assert response["Location"] == event.get_absolute_url()
    assert timezone.localtime(event.starts_at).hour == 14  # read in the platform's time zone
    assert event.created_by == staff


def test_the_page_names_the_time_zone_of_the_times_it_shows(client, northvale_officer):
    event = EventFactory()
    client.force_login(northvale_officer)

    page = client.get(event.get_absolute_url()).content.decode()

    assert "Europe/Brussels" in page
    local = timezone.localtime(event.starts_at)
    assert local.strftime("%H:%M") in page


# --- Attendance ---------------------------------------------------------------------------


def test_only_staff_record_attendance(client, northvale, northvale_officer, staff):
    event = EventFactory()
    came, missed = member(northvale), member(northvale)
    came_r = services.registration_create(event=event, user=came)
    missed_r = services.registration_create(event=event, user=missed)
    url = reverse("learning:event_registrations", kwargs={"pk": event.pk})

    with pytest.raises(DomainError):
        services.attendance_record(event=event, attended_ids=[came_r.pk], by=northvale_officer)
    with pytest.raises(DomainError, match="once the event has started"):
        services.attendance_record(event=event, attended_ids=[came_r.pk], by=staff)
    started(event)
    client.force_login(northvale_officer)
    assert client.post(url, {"attended": [came_r.pk]}).status_code == 404
    assert client.get(url).status_code == 404
    came_r.refresh_from_db()
    assert came_r.status == Status.REGISTERED

    client.force_login(staff)
    response = client.post(url, {"attended": [came_r.pk]})

    assert response.status_code == 302
    came_r.refresh_from_db()
    missed_r.refresh_from_db()
    event.refresh_from_db()
    assert (came_r.status, missed_r.status) == (Status.ATTENDED, Status.ABSENT)
    assert came_r.attendance_recorded_by == staff
    assert event.status == Event.Status.HELD


def test_attendance_refuses_someone_without_a_place(northvale, staff):
    event = EventFactory(capacity=1)
    services.registration_create(event=event, user=member(northvale))
    waiting = services.registration_create(event=event, user=member(northvale))
    started(event)

    with pytest.raises(DomainError, match="did not hold a place"):
        services.attendance_record(event=event, attended_ids=[waiting.pk], by=staff)


# --- Materials ----------------------------------------------------------------------------


def test_staff_attach_the_recording_in_two_languages_and_the_slides_as_library_resources(
    client, staff, northvale_officer
):
    event = started(EventFactory(title="Contract management"))
    client.force_login(staff)
    url = reverse("learning:event_materials", kwargs={"pk": event.pk})
    for language, link in (("en", "https://video.example/en"), ("fr", "https://video.example/fr")):
        response = client.post(
            url, {"what": "recording", "language": language, "title": "Recording", "link": link}
        )
        assert response.status_code == 302
    pdf = SimpleUploadedFile("slides.pdf", _pdf(), content_type="application/pdf")
    response = client.post(
        url, {"what": "slides", "language": "en", "title": "Slides", "file": pdf}
    )
    assert response.status_code == 302

    event.refresh_from_db()
    assert event.recording.kind == ResourceKind.WEBINAR_RECORDING
    assert event.recording.status == Resource.Status.PUBLISHED
    assert sorted(event.recording.versions.values_list("language", flat=True)) == ["en", "fr"]
    slides = event.slides.versions.get()
    assert slides.format == "file" and slides.file_type == "application/pdf"

    client.force_login(northvale_officer)
    page = client.get(event.get_absolute_url()).content.decode()
    assert "https://video.example/en" in page and "https://video.example/fr" in page
    download = client.get(
        reverse("learning:event_material", kwargs={"pk": event.pk, "version_pk": slides.pk})
    )
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_a_material_with_both_a_link_and_nothing_is_refused(client, staff):
    event = started(EventFactory())
    client.force_login(staff)

    response = client.post(
        reverse("learning:event_materials", kwargs={"pk": event.pk}),
        {"what": "recording", "language": "en", "title": "Recording"},
    )

    assert response.status_code == 200
    assert "Give either a link or a PDF file" in response.content.decode()
    assert not Resource.objects.exists()


def _pdf() -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- Training records ---------------------------------------------------------------------


def test_an_affiliate_admin_sees_the_members_training_record_and_nobody_else_does(
    client, northvale, southport, northvale_admin, northvale_officer, southport_officer
):
    event = started(EventFactory(title="Supply-chain mapping"))
    RegistrationFactory(event=event, user=northvale_officer, status=Status.ATTENDED)
    RegistrationFactory(event=event, user=southport_officer, status=Status.ATTENDED)
    url = reverse("learning:affiliate_training", kwargs={"affiliate_slug": "northvale"})

    client.force_login(northvale_admin)
    page = client.get(url).content.decode()
    assert northvale_officer.email in page and "Supply-chain mapping" in page
    assert southport_officer.email not in page

    client.force_login(northvale_officer)
    assert client.get(url).status_code == 403
    southport_admin = member(southport, Membership.Role.ADMIN)
    client.force_login(southport_admin)
    assert client.get(url).status_code == 404


def test_a_partner_sees_its_members_methodology_training_only(client, northvale_officer):
    organisation = MonitoringPartnerFactory(name="Workers' Voice")
    colleague = PartnerMemberFactory(partner=organisation, email="colleague@monitor.example")
    reader = PartnerMemberFactory(partner=organisation)
    outsider = PartnerMemberFactory(email="outsider@other.example")
    methodology = started(
        EventFactory(title="Off-site interviews", kind=EventKind.METHODOLOGY, audience="partners")
    )
    webinar = started(EventFactory(title="General webinar"))
    RegistrationFactory(event=methodology, user=colleague, status=Status.ATTENDED)
    RegistrationFactory(event=webinar, user=colleague, status=Status.ATTENDED)
    RegistrationFactory(event=methodology, user=outsider, status=Status.ATTENDED)
    url = reverse("learning:partner_training")

    client.force_login(reader)
    page = client.get(url).content.decode()
    assert "colleague@monitor.example" in page and "Off-site interviews" in page
    assert "General webinar" not in page
    assert "outsider@other.example" not in page

    client.force_login(northvale_officer)
    assert client.get(url).status_code == 404


# --- Query budgets ------------------------------------------------------------------------


def _many_events(count, northvale):
    users = [member(northvale) for _ in range(3)]
    for _ in range(count):
        event = EventFactory(capacity=2)
        for user in users:
            services.registration_create(event=event, user=user)


@pytest.mark.parametrize("url", ["/learn/events/", "/learn/events/?mine=on"])
def test_the_events_list_stays_within_budget(
    client, northvale, northvale_officer, url, django_assert_max_num_queries
):
    client.force_login(northvale_officer)
    _many_events(2, northvale)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
    _many_events(25, northvale)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_the_training_record_stays_within_budget(
    client, northvale, northvale_admin, django_assert_max_num_queries
):
    client.force_login(northvale_admin)
    url = reverse("learning:affiliate_training", kwargs={"affiliate_slug": "northvale"})

    def grow(count):
        with scopes_disabled():
            for membership in MembershipFactory.create_batch(count, affiliate=northvale):
                event = started(EventFactory())
                RegistrationFactory(event=event, user=membership.user, status=Status.ATTENDED)

    grow(2)
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200
    grow(30)
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200


def test_the_registrations_list_stays_within_budget(
    client, northvale, staff, django_assert_max_num_queries
):
    event = EventFactory(capacity=5)
    client.force_login(staff)
    url = reverse("learning:event_registrations", kwargs={"pk": event.pk})
    for _ in range(3):
        services.registration_create(event=event, user=member(northvale))
    started(event)
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200
    for _ in range(30):
        RegistrationFactory(event=event, user=member(northvale))
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200


def test_the_unfiltered_list_is_counted_by_its_filters_query(
    client, northvale, northvale_officer, settings
):
    """The kind and language filters read every visible event (core.filters.rows_and_counts):
    the list shown unfiltered takes its count from them, exactly, with no count query; a
    filtered list, or one over the filters' limit, is counted by the paginator."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(23):
        EventFactory(title=f"Webinar {n}", kind=EventKind.METHODOLOGY if n < 3 else "webinar")
    EventFactory(title="For partners", audience=EventAudience.PARTNERS)
    client.force_login(northvale_officer)

    def read(url):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url).content.decode()
        counted = [q for q in queries if q["sql"].startswith("SELECT COUNT(*)")]
        return page, len(counted)

    page, counted = read("/learn/events/")
    assert "Page 1 of 2" in page and counted == 0
    page, counted = read("/learn/events/?page=2")
    assert page.count('class="card"') == 3 and counted == 0
    page, counted = read(f"/learn/events/?kind={EventKind.METHODOLOGY}")
    assert page.count('class="card"') == 3 and "Page 1 of" not in page and counted == 1
    settings.EW_FILTER_COUNT_LIMIT = 10
    page, counted = read("/learn/events/")
    assert "Page 1 of 2" in page and counted == 1


def test_the_list_shows_each_waiting_place_from_one_query(
    client, northvale, django_assert_max_num_queries
):
    """learning.views.events._set_my_ranks: the reader's place on each waiting list of the
    page, read once after the page (not per event)."""
    officer = member(northvale)
    first, second, held = (EventFactory(capacity=1, title=f"Event {n}") for n in range(3))
    for event in (first, second):
        services.registration_create(event=event, user=member(northvale))
    services.registration_create(event=second, user=member(northvale))  # second: one ahead
    for event in (first, second, held):
        services.registration_create(event=event, user=officer)
    client.force_login(officer)
    client.get(reverse("learning:events"))
    with django_assert_max_num_queries(12):
        listing = client.get(reverse("learning:events")).content.decode()
    assert listing.count("Waiting list: number 1") == 1
    assert listing.count("Waiting list: number 2") == 1
    assert listing.count('<span class="badge">Registered</span>') == 1
    card = listing[listing.index("Event 1") :]
    assert card.index("Waiting list: number 2") < card.index("</li>")
