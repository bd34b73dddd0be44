"""Issue 16, item 1: every destructive or publishing action asks first (`core.confirm`).
For each: the confirmation says what and to whom; a POST without `confirmed=1` changes
nothing; the confirmed POST does it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from affiliates import services as affiliate_services
from affiliates.models import Membership
from core.errors import DomainError
from core.outbox import OutboxEmail
from grievances import services as grievance_services
from grievances.models import Grievance
from monitoring.models import MonitoringReport
from suppliers.models import DisclosureLine, FactoryMatchReview, FactoryMerge
from tests.factories import (
    ContractFactory,
    DisclosureFactory,
    DisclosureLineFactory,
    FactoryFactory,
    FindingFactory,
    MonitoringReportFactory,
    StaffFactory,
    in_supply_chain,
    member,
)
from tests.grievances.conftest import submit

pytestmark = pytest.mark.django_db
Status = MonitoringReport.Status


def _text(response) -> str:
    return " ".join(response.content.decode().split())


# --- Members ------------------------------------------------------------------------------


def test_removing_a_member_asks_first_then_removes(client, northvale_admin, northvale_officer):
    with scopes_disabled():
        officer = Membership.objects.get(user=northvale_officer)
    url = f"/a/northvale/members/{officer.pk}/remove/"
    client.force_login(northvale_admin)
    page = _text(client.get(url))
    assert "Remove officer@northvale.example from City of Northvale?" in page
    assert "need a new invitation" in page
    assert 'name="confirmed" value="1"' in page
    page = _text(client.post(url))
    assert "Remove officer@northvale.example from City of Northvale?" in page
    with scopes_disabled():
        assert Membership.objects.filter(pk=officer.pk).exists()
    page = _text(client.post(url, {"confirmed": "1"}, follow=True))
    assert "no longer belongs to City of Northvale" in page
    with scopes_disabled():
        assert not Membership.objects.filter(pk=officer.pk).exists()


def test_nobody_is_offered_or_allowed_to_remove_their_own_membership(
    client, northvale, northvale_admin
):
    second_admin = member(northvale, Membership.Role.ADMIN, email="second@northvale.example")
    with scopes_disabled():
        own = Membership.objects.get(user=northvale_admin)
        other = Membership.objects.get(user=second_admin)
    client.force_login(northvale_admin)
    page = client.get("/a/northvale/members/").content.decode()
    assert f"/members/{own.pk}/remove/" not in page
    assert f"/members/{other.pk}/remove/" in page
    response = client.get(f"/a/northvale/members/{own.pk}/remove/", follow=True)
    assert "You cannot remove yourself from City of Northvale" in _text(response)
    client.post(f"/a/northvale/members/{own.pk}/remove/", {"confirmed": "1"})
    with scopes_disabled():
        assert Membership.objects.filter(pk=own.pk).exists()


def test_the_last_admin_cannot_be_removed_or_demoted_by_anyone(northvale, northvale_admin):
    staff = StaffFactory()
    with scopes_disabled():
        own = Membership.objects.get(user=northvale_admin)
        with pytest.raises(DomainError, match="needs at least one admin"):
            affiliate_services.membership_remove(membership=own, by=staff)
        with pytest.raises(DomainError, match="needs at least one admin"):
            affiliate_services.membership_change_role(membership=own, role="viewer", by=staff)
        assert Membership.objects.get(pk=own.pk).role == "admin"


# --- Disclosure lines ---------------------------------------------------------------------


def test_removing_a_disclosure_line_shows_the_line_and_asks_first(
    client, northvale, northvale_officer
):
    disclosure = DisclosureFactory(contract=ContractFactory(affiliate=northvale))
    line = DisclosureLineFactory(disclosure=disclosure, brand="Acme", product_model="T14 laptop")
    url = f"/a/northvale/disclosure-lines/{line.pk}/delete/"
    client.force_login(northvale_officer)
    page = _text(client.get(url))
    assert "Remove this line from the disclosure?" in page
    assert "T14 laptop" in page and "Acme" in page
    client.post(url)
    with scopes_disabled():
        assert DisclosureLine.objects.filter(pk=line.pk).exists()
    assert "The line was removed." in _text(client.post(url, {"confirmed": "1"}, follow=True))
    with scopes_disabled():
        assert not DisclosureLine.objects.filter(pk=line.pk).exists()


# --- Factory merges -----------------------------------------------------------------------


def _review():
    new = FactoryFactory(name="Siam Circuit Co., Ltd.", address="9 Moo 4, Rojana")
    known = FactoryFactory(name="Siam Circuit Company Limited", address="9 Moo 4 Rojana")
    return FactoryMatchReview.objects.create(factory=new, candidate=known, score=0.7)


def test_same_site_shows_both_factories_and_merges_only_when_confirmed(client):
    review = _review()
    client.force_login(StaffFactory())
    url = f"/staff/factory-matches/{review.pk}/"
    queue = client.get(url).content.decode()
    assert 'value="same" class="primary"' not in queue  # no longer the main button
    page = _text(client.post(url, {"decision": "same"}))
    assert "Merge these two records into one site?" in page
    assert "Siam Circuit Co., Ltd." in page and "Siam Circuit Company Limited" in page
    assert not FactoryMerge.objects.exists()
    review.refresh_from_db()
    assert review.decision == "pending"

    response = client.post(url, {"decision": "same", "confirmed": "1"}, follow=True)
    merge = FactoryMerge.objects.get()
    page = response.content.decode()
    assert "Merged:" in page
    undo = f'action="/staff/factory-merges/{merge.pk}/undo/"'
    assert undo in page and '<button type="submit">Undo</button>' in page

    # The message's Undo button undoes at once while it is offered.
    response = client.post(
        f"/staff/factory-merges/{merge.pk}/undo/", {"undo": "quick"}, follow=True
    )
    assert "Merge undone" in _text(response)
    merge.refresh_from_db()
    assert merge.undone_at is not None


def test_an_old_undo_button_leads_to_the_undo_page_instead(client):
    review = _review()
    client.force_login(StaffFactory())
    client.post(f"/staff/factory-matches/{review.pk}/", {"decision": "same", "confirmed": "1"})
    merge = FactoryMerge.objects.get()
    FactoryMerge.objects.filter(pk=merge.pk).update(
        merged_at=timezone.now() - timedelta(minutes=11)
    )
    response = client.post(f"/staff/factory-merges/{merge.pk}/undo/", {"undo": "quick"})
    assert response["Location"] == f"/staff/factory-merges/{merge.pk}/undo/"
    merge.refresh_from_db()
    assert merge.undone_at is None


# --- Monitoring reports -------------------------------------------------------------------


def test_partner_confirms_before_submitting_a_report(client, partner_member):
    report = MonitoringReportFactory(
        partner=partner_member.partner_membership.partner, status=Status.DRAFT
    )
    url = reverse("monitoring:report_submit", args=[report.pk])
    client.force_login(partner_member)
    page = _text(client.get(url))
    assert f"Submit report {report.reference} to Electronics Watch?" in page
    assert "Who receives it: Electronics Watch staff" in page
    client.post(url)
    assert MonitoringReport.objects.get(pk=report.pk).status == Status.DRAFT
    client.post(url, {"confirmed": "1"})
    assert MonitoringReport.objects.get(pk=report.pk).status == Status.SUBMITTED


def test_an_incomplete_report_is_refused_before_the_confirmation(client, partner_member):
    report = MonitoringReportFactory(
        partner=partner_member.partner_membership.partner, status=Status.DRAFT, summary=" "
    )
    client.force_login(partner_member)
    response = client.post(reverse("monitoring:report_submit", args=[report.pk]), follow=True)
    assert "Before submitting, please write the narrative summary." in _text(response)
    assert "Submit the report" not in _text(response)


def test_staff_confirm_before_validating(client, staff):
    report = MonitoringReportFactory(status=Status.IN_TRIAGE)
    url = reverse("monitoring:staff_report_validate", args=[report.pk])
    client.force_login(staff)
    page = _text(client.get(url))
    assert f"Validate report {report.reference}?" in page and report.partner.name in page
    client.post(url)
    assert MonitoringReport.objects.get(pk=report.pk).status == Status.IN_TRIAGE
    client.post(url, {"confirmed": "1"})
    assert MonitoringReport.objects.get(pk=report.pk).status == Status.VALIDATED


def test_publishing_lists_what_and_to_whom_and_sends_only_when_confirmed(
    client, staff, northvale, northvale_officer, southport
):
    factory = FactoryFactory()
    with scopes_disabled():
        in_supply_chain(northvale, factory)
    report = MonitoringReportFactory(status=Status.VALIDATED, factory=factory)
    shown = FindingFactory(report=report)
    hidden = FindingFactory(report=report)
    url = reverse("monitoring:staff_report_publish", args=[report.pk])
    data = {
        "summary": "Passports retained.",
        f"include_{shown.pk}": "on",
        f"text_{shown.pk}": "Identity documents were retained.",
        f"text_{hidden.pk}": "",
    }
    client.force_login(staff)
    page = _text(client.post(url, data))
    assert f"Publish report {report.reference} to affiliates?" in page
    assert "1 finding of 2" in page
    assert "1 affiliate will read it; 1 of their officers and admins will be told" in page
    assert "City of Northvale" in page and "Southport University" not in page
    assert "Identity documents were retained." in page
    assert "Not published: stays confidential" in page
    assert MonitoringReport.objects.get(pk=report.pk).status == Status.VALIDATED
    assert not OutboxEmail.objects.exists()

    page = _text(client.post(url, {**data, "confirmed": "1", "change": "1"}))
    assert "Identity documents were retained.</textarea>" in page  # back to the form
    assert MonitoringReport.objects.get(pk=report.pk).status == Status.VALIDATED

    response = client.post(url, {**data, "confirmed": "1"})
    assert response.status_code == 302
    assert MonitoringReport.objects.get(pk=report.pk).status == Status.PUBLISHED
    assert list(OutboxEmail.objects.values_list("recipient", flat=True)) == [
        northvale_officer.email
    ]


# --- Grievances ---------------------------------------------------------------------------


def test_closing_a_grievance_shows_the_feedback_and_closes_only_when_confirmed(client, staff):
    grievance, _code = submit()
    grievance = grievance_services.grievance_acknowledge(
        grievance=grievance, by=staff, message="Received."
    )
    url = reverse("grievances:close", args=[grievance.pk])
    client.force_login(staff)
    feedback = "The agency repaid the recruitment fees on 2 March."
    page = _text(client.post(url, {"feedback": feedback}))
    assert f"Close grievance {grievance.reference}?" in page
    assert feedback in page and "The worker, in their follow-up page" in page
    assert "cannot be reopened" in page
    assert Grievance.objects.get(pk=grievance.pk).status == "acknowledged"
    client.post(url, {"feedback": feedback, "confirmed": "1"})
    assert Grievance.objects.get(pk=grievance.pk).status == "closed"


def test_closing_without_feedback_is_refused_before_the_confirmation(client, staff):
    grievance, _code = submit()
    client.force_login(staff)
    response = client.post(
        reverse("grievances:close", args=[grievance.pk]), {"feedback": " "}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("grievances:staff_detail", args=[grievance.pk])
    assert "This field is required." in _text(response)
    assert Grievance.objects.get(pk=grievance.pk).status == "received"
