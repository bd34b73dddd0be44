"""RBA referrals: only cases at RBA members, what staff record, who reads what of it, the
list of open referrals with their age, and the reminders of the response due date."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.errors import DomainError
from core.models import OutboxEmail
from core.outbox import outbox_send_pending
from engagement.models import RbaReferral
from engagement.services import referrals as services
from engagement.services.reminders import engagement_reminders_sweep
from remediation.models import CaseStatus, ResponsibleCompany
from suppliers.models import Supplier
from tests.factories import (
    PartnerMemberFactory,
    RbaReferralFactory,
    RemediationCaseFactory,
    StaffFactory,
    SupplierFactory,
    joined_case,
    member,
    rba_case,
    rba_member,
)

pytestmark = pytest.mark.django_db

SHARED = "Findings summary and the plan; the testimony stays with Electronics Watch."


def refer_page(case):
    return reverse("engagement:referral_create", kwargs={"case_pk": case.pk})


# --- Rules ------------------------------------------------------------------------------


def test_a_case_at_a_factory_owned_by_an_rba_member_is_referred_with_the_default_due_date(
    staff, settings
):
    settings.EW_RBA_RESPONSE_DAYS = 45
    case = rba_case()

    referral = services.referral_create(
        case=case, shared_text=SHARED, materials=["remediation_plan", "findings_summary"], by=staff
    )

    assert referral.status == RbaReferral.Status.OPEN
    assert referral.referred_on == timezone.localdate()
    assert referral.response_due == timezone.localdate() + timedelta(days=45)
    assert referral.materials == ["findings_summary", "remediation_plan"]  # the list's order


def test_a_responsible_company_that_is_an_rba_member_makes_the_case_referable(staff):
    case = RemediationCaseFactory()
    ResponsibleCompany.objects.create(case=case, supplier=rba_member(), role="brand")

    referral = services.referral_create(
        case=case, shared_text=SHARED, response_due=date.today() + timedelta(days=10), by=staff
    )

    assert referral.response_due == date.today() + timedelta(days=10)


def test_a_case_at_no_rba_member_is_refused_with_a_clear_message_and_nothing_is_written(staff):
    case = RemediationCaseFactory()
    ResponsibleCompany.objects.create(case=case, supplier=SupplierFactory(), role="brand")

    with pytest.raises(DomainError, match="Only a case at an RBA member can be referred"):
        services.referral_create(case=case, shared_text=SHARED, by=staff)

    assert not RbaReferral.objects.exists()


def test_a_case_is_referred_again_only_once_its_referral_is_closed(staff):
    referral = RbaReferralFactory()

    with pytest.raises(DomainError, match="referred to the RBA already"):
        services.referral_create(case=referral.case, shared_text=SHARED, by=staff)

    services.referral_close(referral=referral, outcome="no_response", by=staff)
    again = services.referral_create(case=referral.case, shared_text=SHARED, by=staff)
    assert again.status == RbaReferral.Status.OPEN


def test_dates_and_what_was_shared_are_checked(staff):
    case = rba_case()
    today = timezone.localdate()
    with pytest.raises(DomainError, match="before the case was referred") as error:
        services.referral_create(
            case=case, shared_text=SHARED, response_due=today - timedelta(days=1), by=staff
        )
    assert error.value.field == "response_due"
    with pytest.raises(DomainError, match="cannot be in the future"):
        services.referral_create(
            case=case, shared_text=SHARED, referred_on=today + timedelta(days=1), by=staff
        )
    with pytest.raises(DomainError, match="Say what was shared"):
        services.referral_create(case=case, shared_text="  ", by=staff)
    with pytest.raises(DomainError, match="kinds of material"):
        services.referral_create(case=case, shared_text=SHARED, materials=["gossip"], by=staff)


def test_a_closed_case_and_a_non_staff_member_cannot_refer(staff, northvale):
    case = rba_case(status=CaseStatus.CLOSED)
    with pytest.raises(DomainError, match="closed case"):
        services.referral_create(case=case, shared_text=SHARED, by=staff)
    with pytest.raises(DomainError, match="Only Electronics Watch staff"):
        services.referral_create(case=rba_case(), shared_text=SHARED, by=member(northvale))


def test_the_response_then_the_outcome_are_recorded_and_a_closed_referral_stays_closed(staff):
    referral = RbaReferralFactory()
    today = timezone.localdate()

    services.referral_record_response(
        referral=referral,
        response="The RBA opened a review of the member.",
        responded_on=today,
        outcome="accepted",
        by=staff,
    )
    referral.refresh_from_db()
    assert (referral.status, referral.outcome, referral.responded_on) == (
        "responded",
        "accepted",
        today,
    )

    services.referral_close(referral=referral, outcome="remediation_agreed", by=staff)
    referral.refresh_from_db()
    assert (referral.status, referral.closed_on) == ("closed", today)
    with pytest.raises(DomainError, match="closed already"):
        services.referral_close(referral=referral, outcome="declined", by=staff)
    with pytest.raises(DomainError, match="cannot be changed"):
        services.referral_record_response(
            referral=referral, response="Late.", responded_on=today, by=staff
        )


def test_a_response_before_the_referral_is_refused(staff):
    referral = RbaReferralFactory(referred_on=timezone.localdate() - timedelta(days=3))
    with pytest.raises(DomainError, match="before the referral"):
        services.referral_record_response(
            referral=referral,
            response="Answer",
            responded_on=referral.referred_on - timedelta(days=1),
            by=staff,
        )


# --- Reminders ----------------------------------------------------------------------------


def _sweep(day):
    queued = engagement_reminders_sweep(today=day)
    while outbox_send_pending():
        pass
    return queued


def test_a_referral_reminds_its_staff_member_on_the_due_date(mailoutbox):
    lead = StaffFactory(totp=False, email="referrer@ewatch.example")
    due = date(2026, 6, 10)
    referral = RbaReferralFactory(
        case=rba_case(staff_lead=lead), referred_on=due - timedelta(days=60), response_due=due
    )

    assert _sweep(due - timedelta(days=1)) == 0
    assert _sweep(due) == 1

    (message,) = mailoutbox
    assert message.to == ["referrer@ewatch.example"]
    assert "due today" in message.subject
    assert referral.reference in message.subject
    assert referral.get_absolute_url() in message.body


def test_a_referral_past_its_due_date_reminds_once(mailoutbox):
    due = date(2026, 6, 10)
    referral = RbaReferralFactory(referred_on=due - timedelta(days=60), response_due=due)
    _sweep(due)  # due today
    mailoutbox.clear()

    queued = [_sweep(due + timedelta(days=days)) for days in (1, 2, 8, 15, 30)]

    assert queued == [1, 0, 0, 0, 0]
    (message,) = mailoutbox
    assert "overdue" in message.subject
    assert "1 day overdue" in message.body
    assert message.to == [referral.referred_by.email]


def test_an_overdue_referral_missed_by_beat_reminds_once_on_the_next_sweep(mailoutbox):
    due = date(2026, 6, 10)
    RbaReferralFactory(referred_on=due - timedelta(days=60), response_due=due)
    _sweep(due - timedelta(days=2))  # beat ran, then stopped for a week

    assert _sweep(due + timedelta(days=5)) == 1
    assert _sweep(due + timedelta(days=6)) == 0
    (message,) = mailoutbox
    assert "5 days overdue" in message.body


def test_a_referral_with_a_response_or_closed_reminds_no_one(staff, mailoutbox):
    due = date(2026, 6, 10)
    answered = RbaReferralFactory(referred_on=due - timedelta(days=60), response_due=due)
    closed = RbaReferralFactory(referred_on=due - timedelta(days=60), response_due=due)
    RbaReferral.objects.filter(pk=answered.pk).update(status="responded")
    RbaReferral.objects.filter(pk=closed.pk).update(status="closed")

    assert _sweep(due) == 0
    assert _sweep(due + timedelta(days=1)) == 0
    assert OutboxEmail.objects.count() == 0


# --- Staff pages --------------------------------------------------------------------------


def test_the_referral_form_says_the_default_in_days_not_the_setting_name(client, staff, settings):
    settings.EW_RBA_RESPONSE_DAYS = 45
    case = rba_case()
    client.force_login(staff)
    page = client.get(refer_page(case)).content.decode()
    assert "By default 45 days after the referral" in page
    assert "EW_RBA_RESPONSE_DAYS" not in page


def test_staff_refer_a_case_from_its_page(client, staff):
    case = rba_case()
    client.force_login(staff)

    page = client.get(case.get_absolute_url())
    assert "Refer to the RBA" in page.content.decode()
    assert refer_page(case) in page.content.decode()

    response = client.post(
        refer_page(case),
        {
            "referred_on": timezone.localdate().isoformat(),
            "shared_text": SHARED,
            "materials": ["findings_summary", "remediation_plan"],
            "response_due": (timezone.localdate() + timedelta(days=30)).isoformat(),
        },
    )
    referral = RbaReferral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == referral.get_absolute_url()
    assert referral.materials == ["findings_summary", "remediation_plan"]

    page = client.get(case.get_absolute_url()).content.decode()
    assert referral.reference in page
    assert "Awaiting the RBA" in page
    assert "Refer to the RBA</a>" not in page  # one open referral at a time


def test_the_form_refuses_a_case_at_no_rba_member_and_says_why(client, staff):
    case = RemediationCaseFactory()
    client.force_login(staff)

    response = client.post(
        refer_page(case),
        {"referred_on": timezone.localdate().isoformat(), "shared_text": SHARED},
    )

    assert response.status_code == 200
    assert "Only a case at an RBA member can be referred" in response.content.decode()
    assert not RbaReferral.objects.exists()
    page = client.get(case.get_absolute_url()).content.decode()
    assert "cannot be referred to the RBA" in page
    assert refer_page(case) not in page


def test_staff_record_the_response_and_close_the_referral_on_its_page(client, staff):
    referral = RbaReferralFactory()
    client.force_login(staff)
    today = timezone.localdate().isoformat()

    client.post(
        reverse("engagement:referral_response", kwargs={"pk": referral.pk}),
        {"response": "Review opened.", "responded_on": today, "outcome": "accepted"},
    )
    client.post(
        reverse("engagement:referral_close", kwargs={"pk": referral.pk}),
        {"outcome": "remediation_agreed", "confirmed": "1"},
    )

    referral.refresh_from_db()
    assert (referral.response, referral.status, referral.outcome) == (
        "Review opened.",
        "closed",
        "remediation_agreed",
    )
    page = client.get(referral.get_absolute_url()).content.decode()
    assert "Review opened." in page
    assert "Remediation agreed with the member" in page


def test_staff_edit_what_was_shared_and_the_due_date(client, staff):
    referral = RbaReferralFactory()
    client.force_login(staff)
    new_due = referral.referred_on + timedelta(days=90)

    response = client.post(
        reverse("engagement:referral_edit", kwargs={"pk": referral.pk}),
        {
            "referred_on": referral.referred_on.isoformat(),
            "shared_text": "The plan only.",
            "materials": ["remediation_plan"],
            "response_due": new_due.isoformat(),
        },
    )

    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.shared_text, referral.response_due) == ("The plan only.", new_due)


def test_the_list_shows_open_referrals_with_their_age_and_marks_the_overdue(client, staff):
    today = timezone.localdate()
    late = RbaReferralFactory(
        referred_on=today - timedelta(days=70), response_due=today - timedelta(days=10)
    )
    recent = RbaReferralFactory(referred_on=today - timedelta(days=3))
    closed = RbaReferralFactory()
    RbaReferral.objects.filter(pk=closed.pk).update(status="closed", closed_on=today)
    client.force_login(staff)

    response = client.get(reverse("engagement:referral_list"))
    assert [r.pk for r in response.context["referrals"]] == [late.pk, recent.pk]
    page = response.content.decode()
    assert "70 days" in page
    assert "3 days" in page
    assert page.count("badge overdue") == 1

    overdue = client.get(reverse("engagement:referral_list"), {"overdue": "on"})
    assert [r.pk for r in overdue.context["referrals"]] == [late.pk]
    closed_only = client.get(reverse("engagement:referral_list"), {"status": "closed"})
    assert [r.pk for r in closed_only.context["referrals"]] == [closed.pk]
    by_factory = client.get(reverse("engagement:referral_list"), {"q": recent.case.factory.name})
    assert [r.pk for r in by_factory.context["referrals"]] == [recent.pk]


def test_an_unknown_filter_value_is_an_error_not_every_referral(client, staff):
    RbaReferralFactory()
    client.force_login(staff)

    response = client.get(reverse("engagement:referral_list"), {"status": "nonsense"})

    assert list(response.context["referrals"]) == []
    assert "Some filters are not valid" in response.content.decode()


def test_the_referral_list_has_a_query_budget(client, staff, django_assert_max_num_queries):
    RbaReferralFactory.create_batch(12)
    client.force_login(staff)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("engagement:referral_list"))
    assert len(response.context["referrals"]) == 12


def test_referral_pages_are_404_for_others_and_for_a_missing_referral(
    client, staff, northvale, partner_member
):
    referral = RbaReferralFactory()
    urls = [
        reverse("engagement:referral_list"),
        referral.get_absolute_url(),
        reverse("engagement:referral_edit", kwargs={"pk": referral.pk}),
        refer_page(referral.case),
    ]
    for user in (member(northvale), partner_member):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, url
    client.force_login(staff)
    assert (
        client.get(reverse("engagement:referral_detail", kwargs={"pk": 999999})).status_code == 404
    )
    assert (
        client.get(reverse("engagement:referral_create", kwargs={"case_pk": 999999})).status_code
        == 404
    )


# --- What others read of a referral --------------------------------------------------------


def test_a_joined_affiliate_reads_the_state_but_not_what_was_shared(client, northvale):
    referral = RbaReferralFactory(shared_text="SECRET-SHARED-NOTE")
    services.referral_record_response(
        referral=referral,
        response="SECRET-RBA-ANSWER",
        responded_on=timezone.localdate(),
        outcome="accepted",
        by=referral.referred_by,
    )
    joined_case(northvale, referral.case)
    client.force_login(member(northvale))

    page = client.get(referral.case.get_affiliate_url(northvale.slug)).content.decode()

    assert "Referral to the Responsible Business Alliance" in page
    assert "Accepted by the RBA for handling" in page
    assert "received on" in page
    assert "SECRET-SHARED-NOTE" not in page
    assert "SECRET-RBA-ANSWER" not in page
    assert "Summary of the findings" not in page  # the kinds of material either


def test_an_affiliate_that_has_not_joined_does_not_read_the_referral(client, northvale):
    from tests.factories import in_supply_chain

    referral = RbaReferralFactory()
    in_supply_chain(northvale, referral.case.factory)
    client.force_login(member(northvale))

    response = client.get(referral.case.get_affiliate_url(northvale.slug))

    assert response.status_code == 200
    assert referral.case.title in response.content.decode()
    assert "Responsible Business Alliance" not in response.content.decode()


def test_the_lead_partner_reads_the_state_only(client):
    partner_user = PartnerMemberFactory()
    partner = partner_user.partner_membership.partner
    referral = RbaReferralFactory(shared_text="SECRET-SHARED-NOTE")
    type(referral.case).objects.filter(pk=referral.case_id).update(lead_partner=partner)
    client.force_login(partner_user)

    page = client.get(
        reverse("remediation:partner_case", kwargs={"pk": referral.case_id})
    ).content.decode()

    assert "Referral to the Responsible Business Alliance" in page
    assert "SECRET-SHARED-NOTE" not in page


# --- A company's RBA membership -----------------------------------------------------------


def test_staff_record_a_companys_rba_membership_on_its_page(client, staff):
    company = SupplierFactory(name="Rayong Components")
    client.force_login(staff)
    url = reverse("suppliers:staff_supplier_rba", kwargs={"pk": company.pk})

    response = client.post(url, {"rba_membership": "full", "rba_member_since": "2021-03-01"})

    assert response.status_code == 302
    company.refresh_from_db()
    assert (company.rba_membership, company.rba_member_since) == ("full", date(2021, 3, 1))
    page = client.get(reverse("suppliers:staff_supplier", kwargs={"pk": company.pk}))
    assert f"{company.get_rba_membership_display()} (since " in (page.content.decode())


def test_a_membership_cannot_start_in_the_future_and_a_non_member_has_no_date(client, staff):
    company = SupplierFactory()
    client.force_login(staff)
    url = reverse("suppliers:staff_supplier_rba", kwargs={"pk": company.pk})
    future = (timezone.localdate() + timedelta(days=3)).isoformat()

    response = client.post(url, {"rba_membership": "regular", "rba_member_since": future})
    assert "cannot start in the future" in response.content.decode()
    company.refresh_from_db()
    assert company.rba_membership == Supplier.RbaMembership.NONE

    client.post(url, {"rba_membership": "none", "rba_member_since": "2020-01-01"})
    company.refresh_from_db()
    assert company.rba_member_since is None


def test_the_company_page_and_its_rba_form_are_404_for_an_affiliate_member(client, northvale):
    company = SupplierFactory()
    client.force_login(member(northvale))
    for name in ("suppliers:staff_supplier", "suppliers:staff_supplier_rba"):
        assert client.get(reverse(name, kwargs={"pk": company.pk})).status_code == 404
