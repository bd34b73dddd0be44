"""Issue 16, forms that help: the officer's disclosure page leads with the next step."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from suppliers.disclosure_steps import officer_next_step
from tests.factories import ContractFactory, DisclosureFactory, DisclosureLineFactory

pytestmark = pytest.mark.django_db


def _disclosure(affiliate, **fields):
    return DisclosureFactory(contract=ContractFactory(affiliate=affiliate), **fields)


def _page(client, disclosure):
    return client.get(
        f"/a/{disclosure.affiliate.slug}/disclosures/{disclosure.pk}/"
    ).content.decode()


def test_next_step_per_state(northvale):
    requested = _disclosure(northvale)
    step = officer_next_step(requested, line_count=0, can_edit=True)
    assert (step.kind, step.title) == ("upload", "Upload the list")
    assert officer_next_step(requested, line_count=3, can_edit=True).title == (
        "Complete the list: 3 lines so far"
    )
    waiting = _disclosure(
        northvale,
        contractor_email="sales@reseller.example",
        contractor_token_digest="0" * 64,
        contractor_token_expires_at=timezone.now() + timedelta(days=10),
    )
    step = officer_next_step(waiting, line_count=0, can_edit=True)
    assert (step.kind, step.title) == ("wait", "Waiting for the contractor to submit")
    assert "sales@reseller.example" in step.detail
    expired = _disclosure(
        northvale,
        contractor_email="sales@reseller.example",
        contractor_token_digest="0" * 64,
        contractor_token_expires_at=timezone.now() - timedelta(days=1),
    )
    assert officer_next_step(expired, line_count=0, can_edit=True).kind == "upload"
    submitted = _disclosure(northvale, status="submitted", submitted_by_contractor=True)
    step = officer_next_step(submitted, line_count=1, can_edit=True)
    assert (step.kind, step.title) == ("review", "Review the 1 line the contractor submitted")
    assert officer_next_step(submitted, line_count=50, can_edit=False).kind == "read_only"
    accepted = _disclosure(northvale, status="accepted", submitted_by_contractor=True)
    assert officer_next_step(accepted, line_count=5, can_edit=True).kind == "done"
    typed = _disclosure(northvale, status="accepted", submitted_by_contractor=False)
    assert officer_next_step(typed, line_count=5, can_edit=True).kind == "confirmation"


def test_the_page_leads_with_the_next_step_and_puts_the_upload_above_the_lines(
    client, northvale_officer, northvale
):
    disclosure = _disclosure(northvale)
    DisclosureLineFactory(disclosure=disclosure)
    client.force_login(northvale_officer)
    html = _page(client, disclosure)
    order = [
        html.index('id="next-step-heading"'),
        html.index('id="upload-heading"'),
        html.index('id="lines-heading"'),
        html.index('id="submit-heading"'),
    ]
    assert order == sorted(order)
    assert "Next step: Complete the list: 1 line so far" in html
    submit = re.search(r'<form[^>]*/submit/"[^>]*>.*?</form>', html, re.S).group(0)
    assert "Mark as submitted" in submit and "primary" not in submit
    assert "Submitting is the contractor's step" in html


def test_a_submitted_disclosure_asks_the_officer_to_review_it(client, northvale_officer, northvale):
    disclosure = _disclosure(northvale, status="submitted", submitted_by_contractor=True)
    DisclosureLineFactory(disclosure=disclosure)
    DisclosureLineFactory(disclosure=disclosure)
    client.force_login(northvale_officer)
    html = _page(client, disclosure)
    box = re.search(r'<section aria-labelledby="next-step-heading".*?</section>', html, re.S)
    assert "Review the 2 lines the contractor submitted" in box.group(0)
    assert "Accept the disclosure" in box.group(0)
    assert 'id="upload-heading"' not in html and "Mark as submitted" not in html
