"""Commitments remind their owner through the reminder ledger: an affiliate's admins, a
company's contacts, or the participant's (or its organisation's) address."""

from datetime import date, timedelta

import pytest

from affiliates.models import Membership
from core.outbox import outbox_send_pending
from engagement.services.reminders import engagement_reminders_sweep
from tests.factories import (
    CommitmentFactory,
    CompanyContactFactory,
    DialogueFactory,
    DialogueMeetingFactory,
    OrganisationFactory,
    SupplierFactory,
    member,
    participant,
)

pytestmark = pytest.mark.django_db

DUE = date(2026, 6, 10)
CONFIDENTIAL = "CONFIDENTIAL-the broker threatens a worker's family"


def _sweep(day):
    queued = engagement_reminders_sweep(today=day)
    while outbox_send_pending():
        pass
    return queued


@pytest.fixture
def dialogue():
    dialogue = DialogueFactory(title="Fees round table")
    DialogueMeetingFactory(dialogue=dialogue, minutes_confidential=CONFIDENTIAL)
    return dialogue


def test_an_affiliates_commitment_reminds_its_admins_with_a_link(dialogue, northvale, mailoutbox):
    admin = member(northvale, Membership.Role.ADMIN, email="admin@northvale.example")
    member(northvale, Membership.Role.OFFICER, email="officer@northvale.example")
    CommitmentFactory(
        dialogue=dialogue, owner=participant(dialogue, affiliate=northvale), due_on=DUE
    )

    assert _sweep(DUE - timedelta(days=7)) == 1

    (message,) = mailoutbox
    assert message.to == [admin.email]
    assert "due in 7 days" in message.subject.lower()
    assert f"/a/{northvale.slug}/dialogues/{dialogue.pk}/" in message.body
    assert CONFIDENTIAL not in message.body
    assert CONFIDENTIAL not in message.alternatives[0][0]


def test_a_companys_commitment_reminds_its_contacts(dialogue, mailoutbox):
    company = SupplierFactory()
    contacts = {CompanyContactFactory(company=company).email for _ in range(2)}
    CompanyContactFactory(company=SupplierFactory())  # another company's contact
    CommitmentFactory(dialogue=dialogue, owner=participant(dialogue, company=company), due_on=DUE)

    assert _sweep(DUE) == 2

    assert {m.to[0] for m in mailoutbox} == contacts
    assert all(f"/company/dialogues/{dialogue.pk}/" in m.body for m in mailoutbox)
    assert all(CONFIDENTIAL not in m.body for m in mailoutbox)


def test_others_are_reminded_at_their_address_or_their_organisations(dialogue, mailoutbox):
    union = OrganisationFactory(contact_email="union@rayong.example")
    CommitmentFactory(
        dialogue=dialogue, owner=participant(dialogue, organisation=union), due_on=DUE
    )
    CommitmentFactory(
        dialogue=dialogue,
        owner=participant(dialogue, name="Khun Malee", contact_email="malee@plant.example"),
        due_on=DUE,
    )
    CommitmentFactory(dialogue=dialogue, owner=participant(dialogue, name="No address"), due_on=DUE)

    assert _sweep(DUE) == 2

    assert sorted(m.to[0] for m in mailoutbox) == ["malee@plant.example", "union@rayong.example"]


def test_an_open_commitment_reminds_weekly_once_overdue_and_a_done_one_stops(dialogue, mailoutbox):
    commitment = CommitmentFactory(
        dialogue=dialogue,
        owner=participant(dialogue, name="P", contact_email="p@example.org"),
        due_on=DUE,
    )
    days = [DUE + timedelta(days=n) for n in (0, 1, 2, 7, 8, 9)]
    assert [_sweep(day) for day in days] == [1, 1, 0, 0, 1, 0]

    commitment.status = "done"
    commitment.save()
    assert _sweep(DUE + timedelta(days=15)) == 0
