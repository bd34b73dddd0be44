"""`visible_to(reader)`: each audience reads exactly its cases, plan, timeline and files
(DESIGN.md §4)."""

import pytest

from affiliates.reader import Reader
from remediation.models import (
    Audience,
    CaseUpdate,
    Participation,
    RemediationAction,
    RemediationCase,
    UpdateAttachment,
)
from tests.factories import (
    CaseUpdateFactory,
    MonitoringPartnerFactory,
    PartnerMemberFactory,
    RemediationActionFactory,
    RemediationCaseFactory,
    StaffFactory,
    in_supply_chain,
    joined_case,
    member,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(northvale, southport):
    """Northvale: one case in its chain, one it joined, one it was only invited to.
    Southport: one in its chain. And one nobody buys from. The lead partner leads two."""
    lead = MonitoringPartnerFactory()
    in_chain = RemediationCaseFactory(lead_partner=lead)
    in_supply_chain(northvale, in_chain.factory)
    joined = joined_case(northvale, lead_partner=lead)
    invited = RemediationCaseFactory()
    Participation.objects.create(case=invited, affiliate=northvale)
    theirs = RemediationCaseFactory()
    in_supply_chain(southport, theirs.factory)
    elsewhere = RemediationCaseFactory()
    return {
        "in chain": in_chain,
        "joined": joined,
        "invited": invited,
        "theirs": theirs,
        "elsewhere": elsewhere,
        "lead": lead,
    }


@pytest.fixture
def readers(northvale, southport, cases):
    return {
        "staff": Reader.of(StaffFactory()),
        "partner": Reader.of(PartnerMemberFactory(partner=cases["lead"])),
        "northvale": Reader.for_affiliate(northvale),
        "southport": Reader.for_affiliate(southport),
        "no affiliate": Reader.of(member(northvale)),
        "anonymous": Reader.anonymous(),
    }


def _visible(model, readers):
    return {name: set(model.objects.visible_to(reader)) for name, reader in readers.items()}


def test_cases_visible_to_each_reader(cases, readers):
    in_chain, joined, invited, theirs, elsewhere = (
        cases[name] for name in ("in chain", "joined", "invited", "theirs", "elsewhere")
    )
    assert _visible(RemediationCase, readers) == {
        "staff": {in_chain, joined, invited, theirs, elsewhere},
        "partner": {in_chain, joined},
        "northvale": {in_chain, joined, invited},
        "southport": {theirs},
        "no affiliate": set(),
        "anonymous": set(),
    }


def test_the_plan_reaches_affiliates_only_in_the_cases_they_joined(cases, readers):
    in_chain = RemediationActionFactory(case=cases["in chain"])
    joined = RemediationActionFactory(case=cases["joined"])
    invited = RemediationActionFactory(case=cases["invited"])
    theirs = RemediationActionFactory(case=cases["theirs"])
    assert _visible(RemediationAction, readers) == {
        "staff": {in_chain, joined, invited, theirs},
        "partner": {in_chain, joined},
        "northvale": {joined},
        "southport": set(),
        "no affiliate": set(),
        "anonymous": set(),
    }


def test_timeline_entries_reach_each_audience_they_are_for(cases, readers):
    entries = {
        (case_name, audience): CaseUpdateFactory(case=cases[case_name], audience=audience)
        for case_name in ("in chain", "joined", "theirs")
        for audience in Audience.values
    }
    assert _visible(CaseUpdate, readers) == {
        "staff": set(entries.values()),
        "partner": {
            entries["in chain", Audience.PARTNERS],
            entries["in chain", Audience.AFFILIATES],
            entries["joined", Audience.PARTNERS],
            entries["joined", Audience.AFFILIATES],
        },
        "northvale": {entries["joined", Audience.AFFILIATES]},
        "southport": set(),
        "no affiliate": set(),
        "anonymous": set(),
    }


def test_timeline_files_are_read_with_their_entry(cases, readers):
    def attach(audience):
        entry = CaseUpdateFactory(case=cases["joined"], audience=audience)
        return UpdateAttachment.objects.create(
            update=entry, file="cases/a.pdf", content_type="application/pdf", size=10
        )

    internal = attach(Audience.INTERNAL)
    for_partners = attach(Audience.PARTNERS)
    for_affiliates = attach(Audience.AFFILIATES)
    assert _visible(UpdateAttachment, readers) == {
        "staff": {internal, for_partners, for_affiliates},
        "partner": {for_partners, for_affiliates},
        "northvale": {for_affiliates},
        "southport": set(),
        "no affiliate": set(),
        "anonymous": set(),
    }
