"""Webinars and trainings in the browser: an officer registers for a webinar; axe (WCAG 2.1
A and AA) finds no violation on the events pages, in English and French."""

from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.test import override_settings
from django.utils import timezone

from affiliates.models import Membership
from learning.models import Event, EventAudience, EventKind, Registration
from learning.services import events as services
from tests.browser.steps import sign_in, violations
from tests.factories import EventFactory, PartnerMemberFactory, StaffFactory, member


def _past(event):
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - timedelta(days=3),
        ends_at=timezone.now() - timedelta(days=3) + timedelta(hours=1),
    )
    event.refresh_from_db()
    return event


def test_an_officer_registers_for_a_webinar(live_server, page, northvale):
    officer = member(northvale, email="officer@northvale.example")
    webinar = EventFactory(
        title="Due diligence in procurement planning",
        audience=EventAudience.AFFILIATES,
        online_link="https://meet.example.org/dd-planning",
    )
    sign_in(page, live_server.url, officer.email)

    page.goto(live_server.url + "/learn/events/")
    page.get_by_role("link", name="Due diligence in procurement planning").click()
    assert page.get_by_text("https://meet.example.org/dd-planning").count() == 0
    page.get_by_role("button", name="Register").click()
    page.wait_for_load_state()

    assert page.get_by_role("status").get_by_text("You are registered.").count() == 1
    assert page.get_by_text("https://meet.example.org/dd-planning").count() == 1
    registration = Registration.objects.get(event=webinar, user=officer)
    assert registration.status == Registration.Status.REGISTERED

    page.get_by_role("button", name="Cancel my registration").click()
    page.wait_for_load_state()
    assert page.get_by_text("Your registration is cancelled.").count() == 1
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED


@pytest.mark.parametrize("language", ["en", "fr"])
def test_events_pages_have_no_wcag_violation(live_server, page, northvale, language):
    admin = member(
        northvale, Membership.Role.ADMIN, email="admin@northvale.example", language=language
    )
    full = EventFactory(title="Recruitment fees", capacity=1)
    services.registration_create(event=full, user=member(northvale))
    services.registration_create(event=full, user=admin)  # on the waiting list
    past = _past(EventFactory(title="Contract management"))
    staff = StaffFactory(totp=False, language=language)
    services.material_attach(
        event=past,
        what="recording",
        language="fr",
        title="Enregistrement",
        link="https://video.example.org/cm-fr",
        by=staff,
    )
    Registration.objects.create(event=past, user=admin, status=Registration.Status.ATTENDED)
    partner = PartnerMemberFactory(language=language)
    Authenticator.objects.filter(user=partner).delete()  # signs in without a code here
    EventFactory(title="Methodology", kind=EventKind.METHODOLOGY, audience="partners")

    found = []
    sign_in(page, live_server.url, admin.email)
    for path in (
        "/learn/events/",
        "/learn/events/?when=past&kind=webinar",
        f"/learn/events/{full.pk}/",
        f"/learn/events/{past.pk}/",
        "/a/northvale/training/",
    ):
        found += violations(page, live_server.url + path, page_itself=True)
        assert page.locator("html").get_attribute("lang") == language
    with override_settings(EW_MFA_REQUIRED=False):
        sign_in(page, live_server.url, staff.email)
        for path in (
            f"/learn/events/{full.pk}/",
            "/staff/events/new/",
            f"/staff/events/{full.pk}/edit/",
            f"/staff/events/{past.pk}/registrations/",
            f"/staff/events/{past.pk}/materials/",
        ):
            found += violations(page, live_server.url + path, page_itself=True)
        sign_in(page, live_server.url, partner.email)
        for path in ("/learn/events/", "/partner/training/"):
            found += violations(page, live_server.url + path, page_itself=True)
    assert found == []
