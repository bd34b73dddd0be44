"""Multi-stakeholder dialogue: the rules of dialogues, meetings, participants and commitments;
who reads what (the confidential minutes reach staff only); workers' organisations credited
by cases and grievances; the sections on case, grievance and company pages."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.errors import DomainError
from engagement.models import Commitment, Dialogue, DialogueMeeting, Participant
from engagement.services import dialogue as services
from grievances.models import Channel
from grievances.services import Intake, grievance_submit
from tests.factories import (
    CommitmentFactory,
    CompanyContactFactory,
    DialogueFactory,
    DialogueMeetingFactory,
    FactoryFactory,
    MonitoringPartnerFactory,
    OrganisationFactory,
    RemediationCaseFactory,
    SupplierFactory,
    joined_case,
    member,
    participant,
)

pytestmark = pytest.mark.django_db

CONFIDENTIAL = "CONFIDENTIAL-a worker said the broker threatens her family"
SHARED = "SHARED-the brand agreed a reimbursement timetable"


@pytest.fixture
def dialogue(staff):
    dialogue = DialogueFactory(title="Round table on fees at Rayong", created_by=staff)
    DialogueMeetingFactory(
        dialogue=dialogue, minutes_shared=SHARED, minutes_confidential=CONFIDENTIAL
    )
    return dialogue


def grievance_at(factory):
    grievance, _code = grievance_submit(
        intake=Intake(language="en", description="Fees.", categories=["fees"], factory=factory),
        channel=Channel.WEB,
    )
    return grievance


def affiliate_page(affiliate, dialogue):
    return reverse(
        "engagement:affiliate_dialogue",
        kwargs={"affiliate_slug": affiliate.slug, "pk": dialogue.pk},
    )


def company_page(dialogue):
    return reverse("engagement:company_dialogue", kwargs={"pk": dialogue.pk})


# --- Rules ----------------------------------------------------------------------------------


def test_the_confidential_minutes_are_encrypted_at_rest(dialogue):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT minutes_confidential, minutes_shared FROM engagement_dialoguemeeting"
        )
        stored, shared = cursor.fetchone()
    assert "broker" not in stored
    assert shared == SHARED
    assert DialogueMeeting.objects.get().minutes_confidential == CONFIDENTIAL


def test_a_single_meeting_has_one_meeting_and_a_series_as_many_as_it_needs(staff):
    dialogue = DialogueFactory(format=Dialogue.Format.MEETING)
    today = timezone.localdate()
    services.meeting_save(dialogue=dialogue, held_on=today, agenda="Fees", by=staff)

    with pytest.raises(DomainError, match="single meeting and has it already"):
        services.meeting_save(dialogue=dialogue, held_on=today, by=staff)

    services.dialogue_save(
        dialogue=dialogue, title=dialogue.title, format=Dialogue.Format.SERIES, by=staff
    )
    services.meeting_save(dialogue=dialogue, held_on=today + timedelta(days=30), by=staff)
    assert dialogue.meetings.count() == 2
    with pytest.raises(DomainError, match="stays a series"):
        services.dialogue_save(
            dialogue=dialogue, title=dialogue.title, format=Dialogue.Format.MEETING, by=staff
        )


def test_minutes_are_for_a_meeting_that_took_place(staff, dialogue):
    with pytest.raises(DomainError, match="Minutes are for a meeting that took place"):
        services.meeting_save(
            dialogue=dialogue,
            held_on=timezone.localdate() + timedelta(days=3),
            minutes_shared="Not yet held.",
            by=staff,
        )


def test_a_participant_is_exactly_the_party_its_kind_names_and_takes_part_once(
    staff, dialogue, northvale
):
    company = SupplierFactory()
    added = services.participant_add(
        dialogue=dialogue, kind="company", company=company, affiliate=northvale, by=staff
    )
    assert (added.company, added.affiliate) == (company, None)  # the other party is ignored

    with pytest.raises(DomainError, match="takes part already"):
        services.participant_add(dialogue=dialogue, kind="company", company=company, by=staff)
    with pytest.raises(DomainError, match="Choose the participant of this kind") as error:
        services.participant_add(dialogue=dialogue, kind="organisation", by=staff)
    assert error.value.field == "organisation"
    assert dialogue.participants.count() == 1


def test_a_commitment_belongs_to_a_participant_of_its_dialogue(staff, dialogue):
    elsewhere = participant(DialogueFactory(), name="Someone else")
    with pytest.raises(DomainError, match="must take part in the dialogue"):
        services.commitment_save(
            dialogue=dialogue,
            text="Publish the timetable.",
            owner=elsewhere,
            due_on=timezone.localdate(),
            by=staff,
        )


def test_a_participant_who_owns_commitments_stays(staff, dialogue):
    commitment = CommitmentFactory(dialogue=dialogue)
    with pytest.raises(DomainError, match="owns commitments"):
        services.participant_remove(participant=commitment.owner, by=staff)
    services.commitment_set_status(commitment=commitment, status="dropped", by=staff)
    with pytest.raises(DomainError, match="owns commitments"):
        services.participant_remove(participant=commitment.owner, by=staff)


def test_commitments_go_done_with_a_day_or_dropped_and_back_to_open(staff, dialogue):
    commitment = CommitmentFactory(dialogue=dialogue)
    today = timezone.localdate()

    services.commitment_set_status(commitment=commitment, status="done", by=staff)
    commitment.refresh_from_db()
    assert (commitment.status, commitment.done_on) == ("done", today)

    with pytest.raises(DomainError, match="cannot become"):
        services.commitment_set_status(commitment=commitment, status="dropped", by=staff)
    services.commitment_set_status(commitment=commitment, status="open", by=staff)
    commitment.refresh_from_db()
    assert (commitment.status, commitment.done_on) == ("open", None)
    with pytest.raises(DomainError, match="future"):
        services.commitment_set_status(
            commitment=commitment, status="done", done_on=today + timedelta(days=1), by=staff
        )


def test_an_organisation_is_credited_only_by_cases_and_grievances_at_its_factories(staff):
    factory = FactoryFactory()
    case = RemediationCaseFactory(factory=factory)
    grievance = grievance_at(factory)
    elsewhere = RemediationCaseFactory()
    union = OrganisationFactory(name="Rayong Electronics Union")
    fields = {"kind": union.kind, "name": union.name, "country": "TH", "by": staff}

    with pytest.raises(DomainError, match="not linked to") as error:
        services.organisation_save(
            organisation=union, factories=[factory], credited_cases=[elsewhere], **fields
        )
    assert error.value.field == "credited_cases"

    services.organisation_save(
        organisation=union,
        factories=[factory],
        credited_cases=[case],
        credited_grievances=[grievance],
        **fields,
    )
    assert list(case.credited_organisations.all()) == [union]
    assert list(grievance.credited_organisations.all()) == [union]

    # Unlinking the factory takes back what it credited there.
    services.organisation_save(organisation=union, factories=[], **fields)
    assert not case.credited_organisations.exists()
    assert not grievance.credited_organisations.exists()


# --- Staff pages ----------------------------------------------------------------------------


def test_staff_record_a_dialogue_with_a_meeting_participants_and_a_commitment(
    client, staff, northvale
):
    case = RemediationCaseFactory()
    company = SupplierFactory(name="Rayong Components")
    client.force_login(staff)
    today = timezone.localdate()

    response = client.post(
        reverse("engagement:dialogue_create") + f"?case={case.pk}",
        {
            "title": "Fees round table",
            "format": "series",
            "purpose": "Agree the reimbursement.",
            "case": case.pk,
            "companies": [company.pk],
        },
    )
    dialogue = Dialogue.objects.get()
    assert response["Location"] == dialogue.get_absolute_url()
    client.post(
        reverse("engagement:meeting_create", kwargs={"pk": dialogue.pk}),
        {
            "held_on": today.isoformat(),
            "agenda": "Timetable",
            "minutes_shared": SHARED,
            "minutes_confidential": CONFIDENTIAL,
        },
    )
    add = reverse("engagement:participant_add", kwargs={"pk": dialogue.pk})
    client.post(add, {"kind": "company", "company": company.pk, "role": "Brand"})
    client.post(add, {"kind": "affiliate", "affiliate": northvale.pk})
    owner = dialogue.participants.get(company=company)
    client.post(
        reverse("engagement:commitment_create", kwargs={"pk": dialogue.pk}),
        {"text": "Reimburse every worker.", "owner": owner.pk, "due_on": "2030-01-31"},
    )

    page = client.get(dialogue.get_absolute_url()).content.decode()
    assert SHARED in page
    assert CONFIDENTIAL in page  # staff read both parts
    assert "Rayong Components" in page
    assert northvale.name in page
    assert "Reimburse every worker." in page
    commitment = Commitment.objects.get()
    client.post(
        reverse(
            "engagement:commitment_status",
            kwargs={"pk": dialogue.pk, "commitment_pk": commitment.pk},
        ),
        {"status": "done", "done_on": today.isoformat()},
    )
    commitment.refresh_from_db()
    assert commitment.status == "done"


def test_a_participant_added_with_nothing_chosen_is_explained_and_not_saved(
    client, staff, dialogue
):
    client.force_login(staff)
    response = client.post(
        reverse("engagement:participant_add", kwargs={"pk": dialogue.pk}),
        {"kind": "partner"},
        follow=True,
    )
    assert "Choose the participant of this kind" in response.content.decode()
    assert not dialogue.participants.exists()


def test_staff_lists_have_a_query_budget(client, staff, django_assert_max_num_queries):
    for _ in range(8):
        dialogue = DialogueFactory()
        DialogueMeetingFactory.create_batch(2, dialogue=dialogue)
        CommitmentFactory.create_batch(2, dialogue=dialogue)
        union = OrganisationFactory()
        union.factories.add(FactoryFactory())
    client.force_login(staff)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("engagement:dialogue_list"))
    assert len(response.context["dialogues"]) == 8
    with django_assert_max_num_queries(10):
        response = client.get(reverse("engagement:organisation_list"))
    assert len(response.context["organisations"]) == 8


def test_the_staff_dialogue_page_has_a_query_budget(
    client, staff, dialogue, northvale, django_assert_max_num_queries
):
    for n in range(6):
        owner = participant(dialogue, name=f"Person {n}")
        CommitmentFactory.create_batch(2, dialogue=dialogue, owner=owner)
    participant(dialogue, affiliate=northvale)
    participant(dialogue, company=SupplierFactory())
    client.force_login(staff)
    with django_assert_max_num_queries(16):
        assert client.get(dialogue.get_absolute_url()).status_code == 200


def test_the_dialogue_list_filters_by_open_commitments(client, staff):
    busy = CommitmentFactory().dialogue
    done = CommitmentFactory(status="done").dialogue
    client.force_login(staff)
    response = client.get(reverse("engagement:dialogue_list"), {"open_commitments": "on"})
    assert [d.pk for d in response.context["dialogues"]] == [busy.pk]
    assert done.pk not in [d.pk for d in response.context["dialogues"]]


def test_staff_link_an_organisation_to_a_factory_and_credit_a_case(client, staff):
    factory = FactoryFactory(name="Rayong Plant")
    case = RemediationCaseFactory(factory=factory)
    client.force_login(staff)

    client.post(
        reverse("engagement:organisation_create"),
        {
            "kind": "trade_union",
            "name": "Rayong Electronics Union",
            "country": "TH",
            "factories": [factory.pk],
            "contact_email": "union@rayong.example",
        },
    )
    union = factory.worker_organisations.get()
    client.post(
        union.get_absolute_url(),
        {
            "kind": "trade_union",
            "name": "Rayong Electronics Union",
            "country": "TH",
            "factories": [factory.pk],
            "credited_cases": [case.pk],
        },
    )

    assert list(case.credited_organisations.all()) == [union]
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Trade unions and worker representatives" in page
    assert "Rayong Electronics Union" in page


def test_the_grievance_page_shows_the_organisations_it_credits(client, staff):
    factory = FactoryFactory()
    grievance = grievance_at(factory)
    union = OrganisationFactory(name="Workers' Committee of Plant 3")
    union.factories.add(factory)
    union.credited_grievances.add(grievance)
    client.force_login(staff)

    page = client.get(reverse("grievances:staff_detail", kwargs={"pk": grievance.pk}))

    assert "This grievance credits:" in page.content.decode()
    assert "Workers&#x27; Committee of Plant 3" in page.content.decode()


def test_staff_pages_are_404_for_affiliates_companies_and_missing_rows(
    client, staff, dialogue, northvale
):
    urls = [
        reverse("engagement:dialogue_list"),
        dialogue.get_absolute_url(),
        reverse("engagement:dialogue_edit", kwargs={"pk": dialogue.pk}),
        reverse("engagement:organisation_list"),
        reverse("engagement:organisation_create"),
    ]
    participant(dialogue, affiliate=northvale)
    company = SupplierFactory()
    participant(dialogue, company=company)
    for user in (member(northvale), CompanyContactFactory(company=company)):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, url
    client.force_login(staff)
    for name in ("engagement:dialogue_detail", "engagement:organisation_edit"):
        assert client.get(reverse(name, kwargs={"pk": 999999})).status_code == 404


# --- Participants read the shared part ------------------------------------------------------


def test_a_participating_affiliate_reads_the_shared_minutes_never_the_confidential(
    client, dialogue, northvale, southport
):
    participant(dialogue, affiliate=northvale)
    participant(dialogue, affiliate=southport)
    participant(dialogue, partner=MonitoringPartnerFactory(name="Secret Monitors"))
    client.force_login(member(northvale))

    listing = client.get(
        reverse("engagement:affiliate_dialogues", kwargs={"affiliate_slug": northvale.slug})
    )
    assert [d.pk for d in listing.context["dialogues"]] == [dialogue.pk]
    page = client.get(affiliate_page(northvale, dialogue)).content.decode()

    assert SHARED in page
    assert CONFIDENTIAL not in page
    assert southport.name in page  # participants know each other
    assert "Secret Monitors" not in page  # never the partner's identity
    assert "A monitoring partner" in page


def test_an_affiliate_that_does_not_take_part_gets_404_and_an_empty_list(
    client, dialogue, northvale, southport
):
    participant(dialogue, affiliate=southport)
    client.force_login(member(northvale))

    assert client.get(affiliate_page(northvale, dialogue)).status_code == 404
    listing = client.get(
        reverse("engagement:affiliate_dialogues", kwargs={"affiliate_slug": northvale.slug})
    )
    assert list(listing.context["dialogues"]) == []
    assert southport.name not in listing.content.decode()


def test_a_participating_company_reads_the_shared_part_without_affiliate_or_partner_names(
    client, dialogue, northvale
):
    company = SupplierFactory(name="Acme Devices")
    own = participant(dialogue, company=company)
    participant(dialogue, affiliate=northvale)
    participant(dialogue, partner=MonitoringPartnerFactory(name="Secret Monitors"))
    CommitmentFactory(dialogue=dialogue, owner=own, text="Acme publishes its timetable.")
    client.force_login(CompanyContactFactory(company=company))

    page = client.get(company_page(dialogue)).content.decode()
    listing = client.get(reverse("engagement:company_dialogues")).content.decode()

    assert SHARED in page
    assert CONFIDENTIAL not in page
    assert northvale.name not in page
    assert "Secret Monitors" not in page
    assert "An affiliate (public buyer)" in page
    assert "Acme publishes its timetable." in listing  # its own commitments


def test_another_companys_dialogue_is_404_for_a_company_contact(client, dialogue):
    participant(dialogue, company=SupplierFactory())
    client.force_login(CompanyContactFactory(company=SupplierFactory()))

    assert client.get(company_page(dialogue)).status_code == 404
    listing = client.get(reverse("engagement:company_dialogues"))
    assert list(listing.context["dialogues"]) == []


def test_participant_lists_have_a_query_budget(client, northvale, django_assert_max_num_queries):
    company = SupplierFactory()
    for _ in range(8):
        dialogue = DialogueFactory()
        DialogueMeetingFactory(dialogue=dialogue)
        participant(dialogue, affiliate=northvale)
        CommitmentFactory(dialogue=dialogue, owner=participant(dialogue, company=company))
    client.force_login(member(northvale))
    with django_assert_max_num_queries(12):
        response = client.get(
            reverse("engagement:affiliate_dialogues", kwargs={"affiliate_slug": northvale.slug})
        )
    assert len(response.context["dialogues"]) == 8
    client.force_login(CompanyContactFactory(company=company))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("engagement:company_dialogues"))
    assert len(response.context["dialogues"]) == 8
    assert len(response.context["commitments"]) == 8


# --- Commitments on the case and company pages ------------------------------------------------


def test_commitments_show_on_the_linked_case_for_staff_and_for_a_participating_affiliate(
    client, staff, northvale, southport
):
    case = RemediationCaseFactory()
    joined_case(northvale, case)
    joined_case(southport, case)
    dialogue = DialogueFactory(case=case, title="Case round table")
    owner = participant(dialogue, affiliate=northvale)
    CommitmentFactory(dialogue=dialogue, owner=owner, text="Write to the contractor.")
    DialogueMeetingFactory(dialogue=dialogue, minutes_confidential=CONFIDENTIAL)

    client.force_login(staff)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Write to the contractor." in page
    assert CONFIDENTIAL not in page

    client.force_login(member(northvale))
    page = client.get(case.get_affiliate_url(northvale.slug)).content.decode()
    assert "Write to the contractor." in page
    assert northvale.name in page

    # A joined affiliate that does not take part in the dialogue does not read it.
    client.force_login(member(southport))
    page = client.get(case.get_affiliate_url(southport.slug)).content.decode()
    assert "Case round table" not in page
    assert "Write to the contractor." not in page


def test_a_companys_commitments_show_on_its_staff_page(client, staff):
    company = SupplierFactory(name="Acme Devices")
    dialogue = DialogueFactory(title="Acme round table")
    CommitmentFactory(
        dialogue=dialogue,
        owner=participant(dialogue, company=company),
        text="Acme reimburses the fees.",
        due_on=timezone.localdate() - timedelta(days=2),
    )
    client.force_login(staff)

    page = client.get(reverse("suppliers:staff_supplier", kwargs={"pk": company.pk}))

    assert "Acme reimburses the fees." in page.content.decode()
    assert "Acme round table" in page.content.decode()
    assert "badge overdue" in page.content.decode()


def test_case_pages_keep_a_query_budget_with_the_engagement_sections(
    client, staff, northvale, django_assert_max_num_queries
):
    case = RemediationCaseFactory()
    joined_case(northvale, case)
    for _ in range(4):
        dialogue = DialogueFactory(case=case)
        owner = participant(dialogue, affiliate=northvale)
        CommitmentFactory.create_batch(3, dialogue=dialogue, owner=owner)
        union = OrganisationFactory()
        union.factories.add(case.factory)
        union.credited_cases.add(case)
    client.force_login(staff)
    with django_assert_max_num_queries(40):
        assert client.get(case.get_absolute_url()).status_code == 200
    client.force_login(member(northvale))
    with django_assert_max_num_queries(40):
        assert client.get(case.get_affiliate_url(northvale.slug)).status_code == 200


def test_participant_is_one_party_in_the_database_too(dialogue, northvale):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        Participant.objects.create(dialogue=dialogue, affiliate=northvale, name="Also a name")
