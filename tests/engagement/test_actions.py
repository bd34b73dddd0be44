"""Corrective actions in the company portal: a company reads the actions it owns, reports
progress with evidence and asks for verification; staff, the lead partner and the affiliates
that joined read its updates on the case (the files: staff and the lead partner only)."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from core.models import OutboxEmail
from core.outbox import outbox_send_pending
from remediation.models import ActionProgress, ActionStatus, CaseUpdate, ProgressAttachment
from tests.factories import (
    CaseUpdateFactory,
    CompanyContactFactory,
    FindingFactory,
    MonitoringPartnerFactory,
    PartnerMemberFactory,
    RemediationActionFactory,
    RemediationCaseFactory,
    StaffFactory,
    SupplierFactory,
    company_action,
    joined_case,
)

pytestmark = pytest.mark.django_db

TESTIMONY = "Worker A said the agent keeps her passport in a locked office."


def png(name="receipt.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), "image/png")


@pytest.fixture
def acme():
    return SupplierFactory(name="Acme Devices", is_brand=True)


@pytest.fixture
def monitor():
    return MonitoringPartnerFactory(name="Thai Labour Monitor")


@pytest.fixture
def lead_partner_member(monitor):
    return PartnerMemberFactory(partner=monitor, email="monitor@thai.example", language="fr")


@pytest.fixture
def case(monitor):
    lead = StaffFactory(email="lead@ewatch.example", full_name="Ana Lead")
    case = RemediationCaseFactory(
        staff_lead=lead, lead_partner=monitor, summary="Summary only staff and affiliates read."
    )
    case.findings.add(FindingFactory(report__factory=case.factory, confidential_text=TESTIMONY))
    CaseUpdateFactory(case=case, text="Timeline entry the company never reads.")
    return case


@pytest.fixture
def action(case, acme):
    return company_action(acme, case=case, description="Return every passport to its owner")


@pytest.fixture
def contact(client, acme):
    user = CompanyContactFactory(company=acme, email="brand@acme-devices.example")
    client.force_login(user)
    return user


def action_url(action):
    return reverse("engagement:company_action", kwargs={"pk": action.pk})


def test_the_company_reads_its_actions_by_case_and_nothing_else_of_the_case(
    client, contact, action, case, northvale
):
    joined_case(northvale, case)
    RemediationActionFactory(case=case, description="The other company's action")
    overdue = company_action(
        action.owner_supplier,
        case=case,
        description="Pay back the recruitment fees",
        due_date=timezone.localdate() - timedelta(days=3),
    )
    for url in (reverse("engagement:company_actions"), action_url(action), action_url(overdue)):
        body = client.get(url).content.decode()
        assert case.reference in body and case.factory.name in body
        for secret in (
            TESTIMONY,
            "Summary only staff and affiliates read.",
            "Timeline entry the company never reads.",
            "The other company's action",
            northvale.name,
            case.title,
        ):
            assert secret not in body, (url, secret)
    listing = client.get(reverse("engagement:company_actions")).content.decode()
    assert "Return every passport to its owner" in listing
    assert "Pay back the recruitment fees" in listing
    assert "Overdue" in listing


def test_the_action_list_keeps_its_query_budget(
    client, contact, acme, django_assert_max_num_queries
):
    for _number in range(20):
        action = company_action(acme)
        ActionProgress.objects.create(action=action, text="Done a bit.", author=contact)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("engagement:company_actions"))
    assert response.content.decode().count("/company/actions/") >= 20


def test_the_action_list_counts_each_actions_updates(client, contact, acme):
    updated, untouched = company_action(acme), company_action(acme)
    for text in ("Half done.", "All done."):
        ActionProgress.objects.create(action=updated, text=text, author=contact)

    actions = client.get(reverse("engagement:company_actions")).context["actions"]

    assert {a.pk: a.progress_count for a in actions} == {updated.pk: 2, untouched.pk: 0}


def test_a_contact_posts_progress_with_evidence(client, contact, action):
    response = client.post(
        action_url(action), {"text": "Half the passports returned.", "files": [png(), png("b.png")]}
    )
    assert response.status_code == 302
    progress = ActionProgress.objects.get()
    assert progress.text == "Half the passports returned." and progress.author == contact
    assert not progress.asks_verification
    files = list(progress.attachments.all())
    assert [f.content_type for f in files] == ["image/png", "image/png"]
    assert [f.original_name for f in files] == ["receipt.png", "b.png"]
    assert files[0].file.read().startswith(b"\x89PNG")
    action.refresh_from_db()
    assert action.status == ActionStatus.PLANNED
    assert not OutboxEmail.objects.exists()
    page = client.get(action_url(action)).content.decode()
    assert "Half the passports returned." in page and "receipt.png" in page


def test_bad_input_is_refused_and_nothing_is_saved(client, contact, action):
    empty = client.post(action_url(action), {"text": "  "})
    assert empty.status_code == 400
    assert "This field is required" in empty.content.decode()
    fake = SimpleUploadedFile("evil.png", b"MZ not an image at all", "image/png")
    bad = client.post(action_url(action), {"text": "With a file", "files": [fake]})
    assert bad.status_code == 400
    assert "evil.png" in bad.content.decode()
    assert not ActionProgress.objects.exists() and not ProgressAttachment.objects.exists()


def test_asking_for_verification_claims_the_action_and_tells_the_lead_and_partner(
    client, contact, action, case, lead_partner_member, mailoutbox
):
    response = client.post(
        action_url(action),
        {
            "text": "All passports returned; receipts attached.",
            "asks_verification": "on",
            "files": [png()],
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE_CLAIMED
    assert action.claimed_on == timezone.localdate()
    assert action.evidence == "All passports returned; receipts attached."
    assert ActionProgress.objects.get().asks_verification
    while outbox_send_pending():
        pass
    by_recipient = {message.to[0]: message for message in mailoutbox}
    assert set(by_recipient) == {"lead@ewatch.example", "monitor@thai.example"}
    to_lead = by_recipient["lead@ewatch.example"]
    assert case.reference in to_lead.subject and "Acme Devices" in to_lead.subject
    assert "All passports returned" in to_lead.body
    assert f"/staff/cases/{case.pk}/#action-{action.pk}" in to_lead.body
    to_partner = by_recipient["monitor@thai.example"]
    assert f"/partner/cases/{case.pk}/" in to_partner.body
    assert "Échéance" in to_partner.body  # in the partner member's language
    # Asked once: the form no longer offers it, and the service refuses a second time.
    page = client.get(action_url(action)).content.decode()
    assert "asks_verification" not in page
    from core.errors import DomainError
    from remediation.plan import action_progress_post

    with pytest.raises(DomainError):
        action_progress_post(action=action, by=contact, text="Again", asks_verification=True)


def test_the_partner_verifies_as_today(client, contact, action, case, lead_partner_member):
    client.post(action_url(action), {"text": "Done.", "asks_verification": "on"})
    client.force_login(lead_partner_member)
    client.post(
        reverse("remediation:action_verify", kwargs={"pk": case.pk, "action_pk": action.pk}),
        {"verified_by": "partner", "note": "Checked with workers."},
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.VERIFIED
    client.force_login(contact)
    page = client.get(action_url(action)).content.decode()
    assert "Report progress" not in page
    response = client.post(action_url(action), {"text": "More"})
    assert response.status_code == 400
    assert "This action is verified" in response.content.decode()


def test_only_the_owner_company_can_post(client, action):
    other = CompanyContactFactory(company=SupplierFactory())
    client.force_login(other)
    assert client.post(action_url(action), {"text": "Not ours"}).status_code == 404
    from core.errors import DomainError
    from remediation.plan import action_progress_post

    with pytest.raises(DomainError):
        action_progress_post(action=action, by=other, text="Not ours")
    assert not ActionProgress.objects.exists()


def _posted(client, contact, action):
    client.force_login(contact)
    client.post(action_url(action), {"text": "Receipts for 40 workers.", "files": [png()]})
    return ProgressAttachment.objects.get()


def test_case_pages_show_the_update_to_staff_partner_and_joined_affiliates(
    client, contact, action, case, lead_partner_member, northvale, northvale_officer
):
    attachment = _posted(client, contact, action)
    download = reverse("remediation:progress_attachment", kwargs={"pk": attachment.pk})
    joined_case(northvale, case)
    pages = {
        case.staff_lead: reverse("remediation:staff_case", kwargs={"pk": case.pk}),
        lead_partner_member: reverse("remediation:partner_case", kwargs={"pk": case.pk}),
        northvale_officer: reverse(
            "remediation:affiliate_case", kwargs={"affiliate_slug": "northvale", "pk": case.pk}
        ),
    }
    for user, url in pages.items():
        client.force_login(user)
        body = client.get(url).content.decode()
        assert "Receipts for 40 workers." in body, user
        assert "Acme Devices" in body
        if user is northvale_officer:
            assert download not in body
            assert "1 evidence file" in body
        else:
            assert download in body


def test_progress_files_download_for_staff_lead_partner_and_owner_company_only(
    client, contact, action, lead_partner_member, northvale, northvale_officer, case
):
    attachment = _posted(client, contact, action)
    url = reverse("remediation:progress_attachment", kwargs={"pk": attachment.pk})
    joined_case(northvale, case)
    for user, expected in (
        (case.staff_lead, 200),
        (lead_partner_member, 200),
        (northvale_officer, 404),
        (PartnerMemberFactory(), 404),
        (contact, 200),
        (CompanyContactFactory(company=SupplierFactory(name="Other Brand")), 404),
    ):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == expected, user
        if expected == 200:
            assert response["Content-Disposition"].startswith("attachment")
            assert "receipt" not in response["Content-Disposition"]


def test_company_action_page_links_its_own_files_only(client, contact, action, case):
    attachment = _posted(client, contact, action)
    own_url = reverse("remediation:progress_attachment", kwargs={"pk": attachment.pk})
    other_company = SupplierFactory(name="Other Brand")
    other_contact = CompanyContactFactory(company=other_company)
    other_action = company_action(other_company, case=case)
    client.force_login(other_contact)
    client.post(action_url(other_action), {"text": "Our receipts.", "files": [png()]})
    other_file = ProgressAttachment.objects.get(progress__action=other_action)
    other_url = reverse("remediation:progress_attachment", kwargs={"pk": other_file.pk})

    client.force_login(contact)
    page = client.get(action_url(action)).content.decode()
    assert f'href="{own_url}"' in page and other_url not in page
    assert client.get(own_url).status_code == 200
    assert client.get(other_url).status_code == 404


def test_staff_case_page_keeps_its_query_budget_with_many_updates(
    client, contact, action, case, django_assert_max_num_queries
):
    for number in range(15):
        other = company_action(action.owner_supplier, case=case)
        progress = ActionProgress.objects.create(
            action=other, text=f"Step {number}", author=contact
        )
        ProgressAttachment.objects.create(
            progress=progress,
            file="actions/x.png",
            original_name="x.png",
            content_type="image/png",
            size=3,
        )
    client.force_login(case.staff_lead)
    with django_assert_max_num_queries(40):
        response = client.get(reverse("remediation:staff_case", kwargs={"pk": case.pk}))
    assert "Step 14" in response.content.decode()
    assert CaseUpdate.objects.filter(case=case).exists()


def _sent(mailoutbox):
    while outbox_send_pending():
        pass
    return {message.to[0]: message for message in mailoutbox}


def test_verification_emails_the_company_with_date_and_who_never_the_note(
    client, contact, action, case, lead_partner_member, acme, mailoutbox
):
    french = CompanyContactFactory(company=acme, email="fr@acme-devices.example", language="fr")
    CompanyContactFactory(company=acme, email="gone@acme-devices.example", is_active=False)
    CompanyContactFactory(company=SupplierFactory(), email="other@brand.example")
    client.post(action_url(action), {"text": "Done.", "asks_verification": "on"})
    mailoutbox.clear()
    OutboxEmail.objects.all().delete()
    client.force_login(lead_partner_member)
    client.post(
        reverse("remediation:action_verify", kwargs={"pk": case.pk, "action_pk": action.pk}),
        {"verified_by": "partner", "note": "Worker B confirmed at her home."},
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.VERIFIED
    sent = _sent(mailoutbox)
    assert set(sent) == {contact.email, french.email}
    message = sent[contact.email]
    assert case.reference in message.subject and "verified" in message.subject
    assert "by the monitoring partner" in message.body
    assert action.description in message.body
    assert f"/company/actions/{action.pk}/" in message.body
    for body in (message.body, message.alternatives[0][0], sent[french.email].body):
        assert "Worker B" not in body and "Thai Labour Monitor" not in body
    client.force_login(contact)
    page = client.get(action_url(action)).content.decode()
    assert "by the monitoring partner" in page and "Worker B" not in page


def test_rejection_emails_the_company_the_reason_in_its_language_and_shows_it(
    client, contact, action, case, acme, mailoutbox
):
    french = CompanyContactFactory(company=acme, email="fr@acme-devices.example", language="fr")
    client.post(action_url(action), {"text": "Done.", "asks_verification": "on"})
    mailoutbox.clear()
    OutboxEmail.objects.all().delete()
    client.force_login(case.staff_lead)
    client.post(
        reverse("remediation:action_reject", kwargs={"pk": case.pk, "action_pk": action.pk}),
        {"reason": "Two passports are still held by the agent.", "confirmed": "1"},
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.REJECTED
    sent = _sent(mailoutbox)
    assert set(sent) == {contact.email, french.email}
    assert "Two passports are still held by the agent." in sent[contact.email].body
    assert "Due date:" in sent[contact.email].body
    assert "Échéance" in sent[french.email].body  # in the contact's language
    client.force_login(contact)
    page = client.get(action_url(action)).content.decode()
    assert "Two passports are still held by the agent." in page
    # A second rejection after a new claim is e-mailed again.
    client.post(action_url(action), {"text": "Now all.", "asks_verification": "on"})
    from remediation.plan import action_reject_claim

    action.refresh_from_db()
    action_reject_claim(action=action, by=case.staff_lead, reason="Receipts are unsigned.")
    assert OutboxEmail.objects.filter(recipient=contact.email).count() == 2


def test_no_owner_company_no_company_email(case, mailoutbox):
    from remediation.plan import action_reject_claim

    action = RemediationActionFactory(case=case, status=ActionStatus.DONE_CLAIMED)
    CompanyContactFactory(company=SupplierFactory())
    action_reject_claim(action=action, by=case.staff_lead, reason="Not done.")
    assert not OutboxEmail.objects.exists()
