"""The audit trail (core/audit.py): PostgreSQL triggers record every change, with its context."""

import io

import pytest
from django.db import connection
from django_scopes import scopes_disabled

from core import audit
from core.models import AuditEvents
from grievances import services as grievance_services
from grievances.models import Grievance, GrievanceMessage, Side
from monitoring.models import Finding
from reports.tasks import render_compliance_report
from suppliers.models import Contract
from tests.factories import ComplianceReportFactory, ContractFactory, published_finding
from tests.grievances.conftest import CONTACT, DESCRIPTION, submit

pytestmark = pytest.mark.django_db


def _events(obj):
    with scopes_disabled():
        return list(AuditEvents.objects.tracks(obj).order_by("pgh_id"))


def _all_event_rows_text() -> str:
    """Every row of every event table, as text, read with plain SQL."""
    chunks = []
    with connection.cursor() as cursor:
        for model in audit.tracked_models():
            table = audit.event_model_for(model)._meta.db_table
            cursor.execute(f'SELECT row_to_json(t)::text FROM "{table}" t')
            chunks += [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT metadata::text FROM pghistory_context")
        chunks += [row[0] for row in cursor.fetchall()]
    return "\n".join(chunks)


def test_an_orm_save_a_queryset_update_and_raw_sql_are_all_recorded():
    with scopes_disabled():
        contract = ContractFactory(title="Laptops lot 1")
        contract.title = "Laptops lot 2"
        contract.save()
        Contract.objects.filter(pk=contract.pk).update(title="Laptops lot 3")
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE suppliers_contract SET title = %s WHERE id = %s",
                ["Laptops lot 4", contract.pk],
            )
    events = _events(contract)
    assert [e.pgh_label for e in events] == ["insert", "update", "update", "update"]
    assert [e.pgh_diff["title"] for e in events[1:]] == [
        ["Laptops lot 1", "Laptops lot 2"],
        ["Laptops lot 2", "Laptops lot 3"],
        ["Laptops lot 3", "Laptops lot 4"],
    ]
    with scopes_disabled():
        Contract.objects.filter(pk=contract.pk).delete()
    assert _events(contract)[-1].pgh_label == "delete"


def test_an_update_that_changes_nothing_records_nothing():
    with scopes_disabled():
        contract = ContractFactory()
        Contract.objects.filter(pk=contract.pk).update(title=contract.title)
    assert [e.pgh_label for e in _events(contract)] == ["insert"]


def test_a_web_request_records_who_when_and_which_request(client, northvale_officer):
    client.force_login(northvale_officer)
    client.post("/language/", {"language": "fr", "next": "/"})
    (event,) = [e for e in _events(northvale_officer) if e.pgh_label == "update"]
    assert event.pgh_diff["language"][1] == "fr"
    assert event.user_id == northvale_officer.pk
    assert event.url == "/language/"
    assert event.method == "POST"
    assert event.pgh_created_at is not None


def test_a_celery_task_records_its_name(settings):
    with scopes_disabled():
        report = ComplianceReportFactory()
    render_compliance_report.apply(args=[report.pk])
    updates = [e for e in _events(report) if e.pgh_label == "update"]
    assert updates
    assert {e.task for e in updates} == {"reports.tasks.render_compliance_report"}
    assert all(e.pgh_context["task_id"] for e in updates)
    assert all(e.user_id is None for e in updates)


def test_no_clear_text_and_no_ciphertext_of_encrypted_fields_is_in_the_trail(staff):
    finding = published_finding()
    secret = "Worker Somchai says the agent kept his passport"
    finding.confidential_text = secret
    finding.save()
    grievance, code = submit()
    grievance_services.grievance_acknowledge(grievance=grievance, by=staff)
    grievance_services.grievance_post_message(
        grievance=grievance, body="We will visit next week.", side=Side.STAFF, by=staff
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT confidential_text FROM monitoring_finding WHERE id = %s", [finding.pk]
        )
        (ciphertext,) = cursor.fetchone()
    text = _all_event_rows_text()
    for clear in (secret, DESCRIPTION, CONTACT, "We will visit next week.", code):
        assert clear not in text
    assert ciphertext not in text
    assert "gAAAA" not in text  # no Fernet token at all
    # That the encrypted column changed is recorded, without its value.
    labels = [e.pgh_label for e in _events(finding)]
    assert "confidential_text.changed" in labels


def test_the_anonymous_grievance_form_leaves_no_exact_time_in_the_trail(client):
    grievance, _code = submit()
    assert _events(grievance) == []
    assert not Finding.objects.exists()  # nothing else was written either


def test_retention_deletes_the_grievances_trail(settings, staff):
    grievance, _code = submit()
    grievance_services.grievance_acknowledge(grievance=grievance, by=staff)
    message = grievance_services.grievance_post_message(
        grievance=grievance, body="Any news?", side=Side.STAFF, by=staff
    )
    message.visible_to_grievant = False
    message.save()
    other, _ = submit()
    grievance_services.grievance_acknowledge(grievance=other, by=staff)
    assert _events(grievance)
    assert _events(message)

    grievance_services.grievance_anonymise(grievance=grievance, by=staff)

    assert _events(grievance) == []
    assert _events(message) == []
    assert not GrievanceMessage.objects.filter(pk=message.pk).exists()
    assert _events(other)  # another grievance keeps its trail
    assert Grievance.objects.get(pk=grievance.pk).anonymised_at


def test_retention_deletes_the_contexts_only_the_grievances_trail_used(staff):
    import pghistory
    from pghistory.models import Context

    grievance, _code = submit()
    with pghistory.context(user=staff.pk, method="POST", url="/staff/grievances/1/ack/"):
        grievance_services.grievance_acknowledge(grievance=grievance, by=staff)
    message = grievance_services.grievance_post_message(
        grievance=grievance, body="Any news?", side=Side.STAFF, by=staff
    )
    with pghistory.context(user=staff.pk, method="POST", url="/staff/shared/"):
        message.visible_to_grievant = False
        message.save()
        with scopes_disabled():
            contract = ContractFactory(title="Laptops lot 1")
    own, shared = (
        {e.pgh_context_id for e in _events(grievance) + _events(message) if e.url == url}
        for url in ("/staff/grievances/1/ack/", "/staff/shared/")
    )
    assert len(own) == len(shared) == 1
    unrelated = Context.objects.count()

    with pghistory.context(task="grievances.tasks.anonymise_expired", task_id="t-1"):
        grievance_services.grievance_anonymise(grievance=grievance, by=staff)

    assert not Context.objects.filter(pk__in=own).exists()
    assert Context.objects.filter(pk__in=shared).exists()  # the contract's event uses it
    assert [e.url for e in _events(contract)] == ["/staff/shared/"]
    # The retention run's own context held only the grievance's last update: gone too.
    assert not Context.objects.filter(metadata__task="grievances.tasks.anonymise_expired")
    assert Context.objects.count() == unrelated - 1


# --- Encrypted columns: a `.changed` event means the text changed ------------------------


def _stored(model, pk, column) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{column}" FROM "{model._meta.db_table}" WHERE id = %s', [pk])
        return cursor.fetchone()[0]


def _labels(obj) -> list[str]:
    return [e.pgh_label for e in _events(obj)]


def test_saving_a_grievance_again_without_changing_its_text_writes_no_changed_event(staff):
    grievance, _code = submit()
    stored = _stored(Grievance, grievance.pk, "description")
    loaded = Grievance.objects.get(pk=grievance.pk)
    loaded.save()
    loaded.save()
    # What a form does: the same text, as a new string.
    loaded.description = "".join(DESCRIPTION)
    loaded.contact_details = str(CONTACT)
    loaded.save()
    grievance.save()  # the instance that inserted the row, saved again
    assert _stored(Grievance, grievance.pk, "description") == stored
    assert not [label for label in _labels(grievance) if label.endswith(".changed")]

    loaded.description = "The agent gave my passport back but still wants the money."
    loaded.save()
    loaded.save()
    Grievance.objects.get(pk=grievance.pk).save()
    assert [label for label in _labels(grievance) if label.endswith(".changed")] == [
        "description.changed"
    ]
    assert _stored(Grievance, grievance.pk, "description") != stored
    assert Grievance.objects.get(pk=grievance.pk).description.startswith("The agent gave")
    text = _all_event_rows_text()
    assert "gAAAA" not in text
    assert "passport back" not in text


def test_a_save_after_a_new_key_is_put_first_re_encrypts_under_it(settings):
    from cryptography.fernet import Fernet

    finding = published_finding(confidential_text="Passports kept in the office safe")
    old_key = settings.EW_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.EW_ENCRYPTION_KEYS = [new_key, *settings.EW_ENCRYPTION_KEYS]
    loaded = Finding.objects.get(pk=finding.pk)
    loaded.save()
    token = _stored(Finding, finding.pk, "confidential_text")
    assert Fernet(new_key).decrypt(token.encode()) == b"Passports kept in the office safe"
    assert old_key != new_key
    loaded.save()  # now the token is current: kept
    assert _stored(Finding, finding.pk, "confidential_text") == token


# --- Management commands -------------------------------------------------------------------


def test_a_management_command_records_its_name(settings):
    from cryptography.fernet import Fernet
    from django.core.management import call_command

    finding = published_finding(confidential_text="Passports kept in the office safe")
    settings.EW_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *settings.EW_ENCRYPTION_KEYS]
    call_command("rotate_encryption_keys", stdout=io.StringIO())
    (event,) = [e for e in _events(finding) if e.pgh_label == "confidential_text.changed"]
    assert event.command == "rotate_encryption_keys"
    assert event.user_id is None and event.task is None


def test_every_command_of_ours_records_its_name():
    from django.apps import apps
    from django.conf import settings
    from django.core.management import get_commands, load_command_class

    ours = {c.name for c in apps.get_app_configs() if c.path.startswith(str(settings.BASE_DIR))}
    ours -= {c.name for c in apps.get_app_configs() if "site-packages" in c.path}
    commands = {name: app for name, app in get_commands().items() if app in ours}
    assert {"seed_demo", "rotate_encryption_keys", "send_reminders"} <= set(commands)
    for name, app in commands.items():
        assert isinstance(load_command_class(app, name), audit.AuditedCommand), name


# --- Pages ---------------------------------------------------------------------------------


def test_staff_read_the_trail_of_an_object_with_verbose_names_and_encrypted_text_hidden(
    client, staff
):
    finding = published_finding()
    finding.confidential_text = "Somchai's passport"
    finding.save()
    with scopes_disabled():
        contract = ContractFactory(title="Laptops lot 1")
        Contract.objects.filter(pk=contract.pk).update(title="Laptops lot 2")
    client.force_login(staff)
    page = client.get(f"/staff/audit/suppliers/contract/{contract.pk}/").content.decode()
    assert "Laptops lot 1 → Laptops lot 2" in page
    assert "Title:" in page
    page = client.get(f"/staff/audit/monitoring/finding/{finding.pk}/").content.decode()
    assert "changed (encrypted, not shown)" in page
    assert "Somchai" not in page
    assert client.get("/staff/audit/core/outboxemail/1/").status_code == 404
    assert client.get("/staff/audit/nosuch/model/1/").status_code == 404


def test_staff_read_what_a_user_changed(client, staff, northvale_officer):
    client.force_login(northvale_officer)
    client.post("/language/", {"language": "fr", "next": "/"})
    client.force_login(staff)
    page = client.get(f"/staff/audit/users/{northvale_officer.pk}/").content.decode()
    assert "POST /language/" in page
    assert client.get("/staff/audit/users/999999/").status_code == 404


def test_affiliate_members_cannot_read_staff_trails(client, northvale_admin):
    client.force_login(northvale_admin)
    assert client.get(f"/staff/audit/users/{northvale_admin.pk}/").status_code == 404


def test_an_affiliate_admin_reads_the_trail_of_its_own_records_only(
    client, northvale, southport, northvale_admin, northvale_officer
):
    with scopes_disabled():
        own = ContractFactory(affiliate=northvale, title="Northvale laptops")
        other = ContractFactory(affiliate=southport, title="Southport servers")
    client.force_login(northvale_admin)
    page = client.get("/a/northvale/audit/").content.decode()
    assert "Northvale laptops" in page
    assert "Southport servers" not in page
    url = "/a/northvale/audit/suppliers/contract/{}/"
    assert client.get(url.format(own.pk)).status_code == 200
    assert client.get(url.format(other.pk)).status_code == 404
    assert client.get(f"/a/northvale/audit/affiliates/affiliate/{southport.pk}/").status_code == 404
    assert client.get(f"/a/northvale/audit/monitoring/finding/{own.pk}/").status_code == 404
    client.force_login(northvale_officer)
    assert client.get("/a/northvale/audit/").status_code == 403


def test_trail_pages_take_a_fixed_number_of_queries(
    client, staff, northvale, northvale_admin, django_assert_max_num_queries
):
    with scopes_disabled():
        contracts = ContractFactory.create_batch(30, affiliate=northvale)
        for n in range(3):
            Contract.objects.filter(affiliate=northvale).update(title=f"Lot {n}")
    client.force_login(northvale_admin)
    with django_assert_max_num_queries(12):
        response = client.get("/a/northvale/audit/")
    assert response.status_code == 200
    assert len(response.context["rows"]) == 50
    client.force_login(staff)
    with django_assert_max_num_queries(12):
        response = client.get(f"/staff/audit/suppliers/contract/{contracts[0].pk}/")
    assert len(response.context["rows"]) == 4


def test_the_trail_is_reached_from_the_pages_that_show_the_records(
    client, staff, northvale, northvale_admin
):
    from tests.factories import RemediationCaseFactory, SupplierFactory

    case = RemediationCaseFactory(title="Passports returned")
    supplier = SupplierFactory(name="Acme Devices")
    client.force_login(staff)
    for page, trail in (
        (f"/staff/cases/{case.pk}/", f"/staff/audit/remediation/remediationcase/{case.pk}/"),
        (f"/staff/suppliers/{supplier.pk}/", f"/staff/audit/suppliers/supplier/{supplier.pk}/"),
    ):
        assert f'href="{trail}"' in client.get(page).content.decode()
        assert client.get(trail).status_code == 200
    client.force_login(northvale_admin)
    body = client.get("/a/northvale/members/").content.decode()
    assert 'href="/a/northvale/audit/"' in body
    assert client.get("/a/northvale/audit/").status_code == 200


@pytest.mark.parametrize(
    ("path", "kept"),
    [
        ("/disclose/Zq3-secret_token/", "/disclose/…/"),
        ("/invitations/Zq3-secret_token/", "/invitations/…/"),
        ("/a/northvale/contracts/", "/a/northvale/contracts/"),
    ],
)
def test_the_trail_never_keeps_the_token_of_a_link(rf, path, kept):
    """A contractor's link, an invitation: the trail names the page, not the key to it."""
    request = rf.post(path)
    assert audit.safe_path(request) == kept
