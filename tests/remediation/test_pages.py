"""Remediation pages: opening a case, the plan, joining, engagement, the letter, and who
reads what (DESIGN.md §4)."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from PIL import Image
from pypdf import PdfReader

from core.models import OutboxEmail
from grievances.models import Status as GrievanceStatus
from monitoring.models import Finding
from remediation import plan, services
from remediation.models import (
    ActionStatus,
    Audience,
    CaseStatus,
    Engagement,
    Participation,
    RemediationCase,
    UpdateAttachment,
)
from tests.factories import (
    CaseUpdateFactory,
    ContractFactory,
    DisclosureFactory,
    DisclosureLineFactory,
    PartnerMemberFactory,
    RemediationActionFactory,
    RemediationCaseFactory,
    SupplierFactory,
    in_supply_chain,
    joined_case,
    published_finding,
)

pytestmark = pytest.mark.django_db
INTERNAL = "Internal: the brand's auditor may be tipping off management."
FOR_PARTNERS = "For the partner: please re-interview the dormitory workers."
FOR_AFFILIATES = "The brand has agreed to pay back the recruitment fees by March."


def case_page(affiliate, case):
    return reverse(
        "remediation:affiliate_case", kwargs={"affiliate_slug": affiliate.slug, "pk": case.pk}
    )


@pytest.fixture
def finding(northvale, southport):
    finding = published_finding(status=Finding.Status.SUBSTANTIATED, fast_track=True)
    in_supply_chain(northvale, finding.report.factory)
    in_supply_chain(southport, finding.report.factory)
    return finding


@pytest.fixture
def case(staff, finding):
    case = services.case_open(
        factory=finding.report.factory,
        title="Passports held by the employer",
        summary="Passports of migrant workers are kept by the employer.",
        severity="high",
        staff_lead=staff,
        lead_partner=finding.report.partner,
        findings=[finding],
        by=staff,
    )
    for audience, text in (
        (Audience.INTERNAL, INTERNAL),
        (Audience.PARTNERS, FOR_PARTNERS),
        (Audience.AFFILIATES, FOR_AFFILIATES),
    ):
        plan.update_post(case=case, by=staff, audience=audience, text=text)
    return case


def test_staff_open_a_case_from_a_finding_and_the_affiliates_are_invited(
    client, staff, finding, northvale_officer, southport_officer, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    form_url = reverse("remediation:case_create") + f"?finding={finding.pk}"
    page = client.get(form_url)
    assert page.status_code == 200
    assert page.context["form"].initial["severity"] == finding.severity

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            form_url,
            {
                "title": "Passports held by the employer",
                "summary": "Passports of migrant workers are kept by the employer.",
                "severity": "critical",
                "fast_track": "on",
                "staff_lead": staff.pk,
                "findings": [finding.pk],
            },
        )

    case = RemediationCase.objects.get()
    assert response.status_code == 302
    assert response["Location"] == case.get_absolute_url()
    assert case.status == CaseStatus.OPENED
    assert list(case.findings.all()) == [finding]
    finding.refresh_from_db()
    assert finding.status == Finding.Status.REMEDIATION_PLANNED
    assert set(case.participations.values_list("affiliate__slug", flat=True)) == {
        "northvale",
        "southport",
    }
    invited = set(
        OutboxEmail.objects.filter(key__startswith=f"case-invitation:{case.pk}:").values_list(
            "recipient", flat=True
        )
    )
    assert invited == {northvale_officer.email, southport_officer.email}


def test_opening_a_case_without_a_title_changes_nothing(client, staff, finding):
    client.force_login(staff)
    response = client.post(
        reverse("remediation:case_create") + f"?finding={finding.pk}",
        {"title": "", "summary": "x", "severity": "high", "staff_lead": staff.pk},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["title"]
    assert not RemediationCase.objects.exists()


def test_a_grievance_not_yet_acknowledged_cannot_be_referred(staff, finding):
    from tests.grievances.conftest import submit

    grievance, _code = submit(intake={"factory": finding.report.factory})
    assert grievance.status == GrievanceStatus.RECEIVED
    with pytest.raises(services.DomainError, match="Acknowledge grievance"):
        services.case_open(
            factory=finding.report.factory,
            title="t",
            summary="s",
            severity="high",
            staff_lead=staff,
            grievances=[grievance],
            by=staff,
        )
    assert not RemediationCase.objects.exists()


def test_an_affiliate_that_has_not_joined_sees_only_the_summary(
    client, northvale, northvale_officer, case
):
    RemediationActionFactory(case=case, description="Return every passport")
    client.force_login(northvale_officer)

    body = client.get(case_page(northvale, case)).content.decode()

    assert case.summary in body
    assert "Join on behalf of" in body
    for hidden in ("Return every passport", FOR_AFFILIATES, FOR_PARTNERS, INTERNAL):
        assert hidden not in body
    letter = client.get(
        reverse(
            "remediation:affiliate_letter",
            kwargs={"affiliate_slug": northvale.slug, "pk": case.pk},
        )
    )
    assert letter.status_code == 404


def test_a_joined_affiliate_sees_the_plan_and_its_timeline_never_internal_entries(
    client, northvale, northvale_officer, case
):
    action = RemediationActionFactory(case=case, description="Return every passport")
    client.force_login(northvale_officer)

    response = client.post(
        reverse(
            "remediation:affiliate_case_join",
            kwargs={"affiliate_slug": northvale.slug, "pk": case.pk},
        )
    )
    assert response.status_code == 302
    body = client.get(case_page(northvale, case)).content.decode()

    assert "Return every passport" in body
    assert FOR_AFFILIATES in body
    assert INTERNAL not in body
    assert FOR_PARTNERS not in body
    assert action.contact_email not in body
    assert Participation.objects.get(case=case, affiliate=northvale).joined_by == northvale_officer


def test_a_viewer_cannot_join(client, northvale, case):
    from affiliates.models import Membership
    from tests.factories import member

    viewer = member(northvale, Membership.Role.VIEWER)
    client.force_login(viewer)
    client.post(
        reverse(
            "remediation:affiliate_case_join",
            kwargs={"affiliate_slug": northvale.slug, "pk": case.pk},
        )
    )
    assert not Participation.objects.filter(affiliate=northvale, joined_on__isnull=False).exists()


def test_a_case_outside_the_supply_chain_is_404_for_an_affiliate(
    client, northvale, northvale_officer
):
    elsewhere = RemediationCaseFactory()
    client.force_login(northvale_officer)
    assert client.get(case_page(northvale, elsewhere)).status_code == 404
    listing = client.get(
        reverse("remediation:affiliate_cases", kwargs={"affiliate_slug": northvale.slug})
    )
    assert elsewhere.title not in listing.content.decode()


def test_joined_affiliate_logs_engagement_and_bad_input_changes_nothing(
    client, northvale, northvale_officer, case
):
    joined_case(northvale, case)
    client.force_login(northvale_officer)
    url = reverse(
        "remediation:affiliate_engagement", kwargs={"affiliate_slug": northvale.slug, "pk": case.pk}
    )
    tomorrow = timezone.localdate() + timedelta(days=1)

    client.post(url, {"kind": "letter", "level": "formal", "happened_on": tomorrow, "summary": "x"})
    with scopes_disabled():
        assert not Engagement.objects.exists()
    response = client.post(
        url,
        {
            "kind": "meeting",
            "level": "formal",
            "happened_on": timezone.localdate().isoformat(),
            "summary": "Met the contractor; it will write to the brand.",
        },
        follow=True,
    )

    assert "Engagement logged." in response.content.decode()
    assert "Met the contractor" in response.content.decode()
    with scopes_disabled():
        assert Engagement.objects.get().affiliate == northvale


def test_the_letter_is_a_pdf_built_only_from_what_the_affiliate_may_read(
    client, northvale, northvale_officer, case, finding
):
    joined_case(northvale, case)
    with scopes_disabled():
        contract = ContractFactory(affiliate=northvale, reference="NV-2026-ICT-7")
        disclosure = DisclosureFactory(contract=contract, status="accepted")
        DisclosureLineFactory(disclosure=disclosure, factory=case.factory)
    RemediationActionFactory(case=case, description="Return every passport to its owner")
    client.force_login(northvale_officer)

    response = client.get(
        reverse(
            "remediation:affiliate_letter", kwargs={"affiliate_slug": northvale.slug, "pk": case.pk}
        ),
        {"contract": contract.pk},
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    text = " ".join(text.split())
    assert northvale.name in text
    assert "NV-2026-ICT-7" in text
    assert case.factory.name in text
    assert "Return every passport to its owner" in text
    assert finding.published_text in text
    assert finding.confidential_text not in text
    for hidden in (INTERNAL, FOR_PARTNERS, FOR_AFFILIATES):
        assert hidden[:30] not in text
    assert reader.metadata.title.startswith("Remediation at your supplier")


def test_plan_flow_claim_verify_and_close(client, staff, case, django_capture_on_commit_callbacks):
    client.force_login(staff)
    due = (timezone.localdate() + timedelta(days=20)).isoformat()
    response = client.post(
        reverse("remediation:action_add", kwargs={"pk": case.pk}),
        {
            "description": "Return every passport",
            "owner_name": "Rayong Precision Components",
            "contact_email": "hr@rayong.example",
            "contact_language": "en",
            "due_date": due,
        },
    )
    assert response.status_code == 302
    action = case.actions.get()
    status_url = reverse("remediation:case_status", kwargs={"pk": case.pk})
    client.post(status_url, {"status": "plan_agreed", "audience": "affiliates"})
    client.post(status_url, {"status": "in_progress", "audience": "affiliates"})

    page = client.post(status_url, {"status": "remediated", "audience": "affiliates"}, follow=True)
    assert "every action of its plan has been verified" in page.content.decode()

    client.post(
        reverse("remediation:action_claim", kwargs={"pk": case.pk, "action_pk": action.pk}),
        {"evidence": "Photos of the returned passports, signed receipts."},
    )
    partner = PartnerMemberFactory(partner=case.lead_partner)
    client.force_login(partner)
    client.post(
        reverse("remediation:action_verify", kwargs={"pk": case.pk, "action_pk": action.pk}),
        {"verified_by": "workers", "note": "Ten workers confirmed off-site."},
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.VERIFIED
    assert action.verified_by == "partner"  # a partner's verification is the partner's

    client.force_login(staff)
    client.post(status_url, {"status": "remediated", "audience": "affiliates"})
    client.post(status_url, {"status": "closed", "audience": "affiliates"})
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.closed_on == timezone.localdate()
    assert case.findings.get().status == Finding.Status.REMEDIATED_VERIFIED


def test_partner_sees_its_cases_without_internal_entries(client, case):
    partner = PartnerMemberFactory(partner=case.lead_partner)
    other = PartnerMemberFactory()
    client.force_login(partner)

    body = client.get(reverse("remediation:partner_case", kwargs={"pk": case.pk})).content.decode()
    assert FOR_PARTNERS in body
    assert FOR_AFFILIATES in body
    assert INTERNAL not in body

    client.force_login(other)
    assert (
        client.get(reverse("remediation:partner_case", kwargs={"pk": case.pk})).status_code == 404
    )


def test_the_lead_partner_sees_only_its_own_organisations_findings_of_the_case(client, case):
    own = case.findings.get()
    other = published_finding(factory_=case.factory, status=Finding.Status.SUBSTANTIATED)
    case.findings.add(other)
    client.force_login(PartnerMemberFactory(partner=case.lead_partner))

    body = client.get(reverse("remediation:partner_case", kwargs={"pk": case.pk})).content.decode()

    assert own.report.reference in body
    assert other.report.reference not in body


def test_attachments_follow_their_entry_audience(client, staff, northvale, northvale_officer, case):
    joined_case(northvale, case)
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    client.force_login(staff)
    for audience in ("internal", "affiliates"):
        client.post(
            reverse("remediation:update_post", kwargs={"pk": case.pk}),
            {
                "audience": audience,
                "text": f"photo for {audience}",
                "file": SimpleUploadedFile("receipt.png", buffer.getvalue(), "image/png"),
            },
        )
    internal = UpdateAttachment.objects.get(update__case=case, update__audience="internal")
    shared = UpdateAttachment.objects.get(update__case=case, update__audience="affiliates")
    client.force_login(northvale_officer)

    def url(attachment):
        return reverse(
            "remediation:affiliate_attachment",
            kwargs={"affiliate_slug": northvale.slug, "pk": attachment.pk},
        )

    assert client.get(url(shared)).status_code == 200
    assert client.get(url(internal)).status_code == 404


def test_staff_case_list_and_affiliate_list_have_a_query_budget(
    client, staff, northvale, northvale_officer, django_assert_max_num_queries
):
    for _ in range(6):
        case = joined_case(northvale)
        RemediationActionFactory.create_batch(2, case=case)
        CaseUpdateFactory(case=case)
    client.force_login(staff)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("remediation:staff_cases")).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(reverse("reports:staff_dashboard")).status_code == 200
    client.force_login(northvale_officer)
    with django_assert_max_num_queries(14):
        response = client.get(
            reverse("remediation:affiliate_cases", kwargs={"affiliate_slug": northvale.slug})
        )
    assert response.status_code == 200
    assert len(response.context["cases"]) == 6


def test_case_detail_pages_have_a_query_budget(
    client, staff, northvale, northvale_officer, case, django_assert_max_num_queries
):
    joined_case(northvale, case)
    RemediationActionFactory.create_batch(5, case=case)
    CaseUpdateFactory.create_batch(5, case=case)
    client.force_login(staff)
    with django_assert_max_num_queries(30):
        assert client.get(case.get_absolute_url()).status_code == 200
    client.force_login(northvale_officer)
    with django_assert_max_num_queries(30):
        assert client.get(case_page(northvale, case)).status_code == 200


def test_a_member_mutes_the_weekly_digest_in_their_settings(client, northvale_officer):
    client.force_login(northvale_officer)
    response = client.post(
        reverse("affiliates:account"),
        {"full_name": "Noor Haddad", "language": "en", "mute_case_digests": "on"},
    )
    assert response.status_code == 302
    northvale_officer.refresh_from_db()
    assert northvale_officer.mute_case_digests is True
    page = client.get(reverse("affiliates:account")).content.decode()
    assert 'name="mute_case_digests"' in page
    assert "checked" in page.split('name="mute_case_digests"')[1].split(">")[0]
    client.post(reverse("affiliates:account"), {"full_name": "Noor Haddad", "language": "en"})
    northvale_officer.refresh_from_db()
    assert northvale_officer.mute_case_digests is False


def test_the_factory_page_shows_the_published_summary_and_the_cases(
    client, northvale, northvale_officer, case, finding
):
    client.force_login(northvale_officer)
    body = client.get(
        reverse(
            "reports:factory_detail",
            kwargs={"affiliate_slug": northvale.slug, "pk": case.factory_id},
        )
    ).content.decode()
    assert finding.report.published_summary in body
    assert case.reference in body
    assert "invitation to join" in body


@pytest.mark.parametrize(
    ("url_name", "data", "message"),
    [
        (
            "remediation:compensation_add",
            {
                "description": "Fees",
                "currency": "THB",
                "amount_owed": "100",
                "amount_paid": "250",
                "workers_covered": "3",
            },
            "More is paid than is owed",
        ),
        (
            "remediation:compensation_add",
            {
                "description": "Fees",
                "currency": "T1",
                "amount_owed": "100",
                "amount_paid": "0",
                "workers_covered": "3",
            },
            "is not an ISO 4217 currency code",
        ),
        (
            "remediation:escalation_add",
            {"body": "rba", "escalated_on": "2999-01-01"},
            "cannot be in the future",
        ),
        (
            "remediation:case_status",
            {"status": "closed", "audience": "affiliates", "note": "  "},
            "Say why the case closes without being remediated.",
        ),
        ("remediation:update_post", {"audience": "internal", "text": "   "}, "Update"),
    ],
)
def test_bad_input_on_a_case_gets_a_specific_message_and_changes_nothing(
    client, staff, case, url_name, data, message
):
    client.force_login(staff)
    RemediationCase.objects.filter(pk=case.pk).update(status=CaseStatus.STALLED)
    before = (
        case.compensations.count(),
        case.escalations.count(),
        case.updates.count(),
    )
    response = client.post(reverse(url_name, kwargs={"pk": case.pk}), data, follow=True)
    case.refresh_from_db()
    assert message in response.content.decode()
    assert case.status == CaseStatus.STALLED
    assert (
        case.compensations.count(),
        case.escalations.count(),
        case.updates.count(),
    ) == before


def test_a_new_action_cannot_be_due_in_the_past_and_a_partner_writes_no_internal_note(
    client, staff, case
):
    client.force_login(staff)
    response = client.post(
        reverse("remediation:action_add", kwargs={"pk": case.pk}),
        {
            "description": "Return the passports",
            "owner_name": "Employer",
            "contact_language": "en",
            "due_date": (timezone.localdate() - timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "A new action cannot be due in the past." in response.content.decode()
    assert not case.actions.exists()

    partner = PartnerMemberFactory(partner=case.lead_partner)
    client.force_login(partner)
    count = case.updates.count()
    client.post(
        reverse("remediation:update_post", kwargs={"pk": case.pk}),
        {"audience": "internal", "text": "Only for EW"},
    )
    assert case.updates.count() == count


def test_an_action_owned_by_a_registry_company_is_named_after_it(client, staff, case):
    """The typed owner name never contradicts the registry owner: the registry's name wins,
    on save and on edit, and the plan shows it."""
    client.force_login(staff)
    brand = SupplierFactory(name="Acme Devices")
    due = (timezone.localdate() + timedelta(days=20)).isoformat()
    fields = {"description": "Return every passport", "due_date": due, "contact_language": "en"}
    response = client.post(
        reverse("remediation:action_add", kwargs={"pk": case.pk}),
        {**fields, "owner_name": "Northern IT", "owner_supplier": brand.pk},
    )
    assert response.status_code == 302
    action = case.actions.get()
    assert action.owner_supplier == brand and action.owner_name == "Acme Devices"

    edit = reverse("remediation:action_edit", kwargs={"pk": case.pk, "action_pk": action.pk})
    assert client.post(edit, {**fields, "owner_supplier": brand.pk}).status_code == 302
    action.refresh_from_db()
    assert action.owner_name == "Acme Devices"
    page = client.get(reverse("remediation:staff_case", kwargs={"pk": case.pk})).content.decode()
    assert "Acme Devices" in page and "Northern IT" not in page

    # Without a registry owner, the typed name is needed and kept.
    assert client.post(edit, {**fields, "owner_name": "Local agent Co."}).status_code == 302
    action.refresh_from_db()
    assert action.owner_supplier is None and action.owner_name == "Local agent Co."
    refused = client.post(edit, {**fields, "owner_name": "  "})
    assert refused.status_code == 200
    assert "choose the owner in the company registry" in refused.content.decode()
    action.refresh_from_db()
    assert action.owner_name == "Local agent Co."
