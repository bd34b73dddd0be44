"""core.bulk.copy_rows: rows as dicts through COPY, each value as its field would save it."""

from datetime import date

import pytest
from django.db import connection
from django.db.utils import IntegrityError, ProgrammingError
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from core.bulk import copy_rows
from core.encryption import decrypt
from grievances.models import Grievance
from suppliers.models import DisclosureUpload, Factory
from tests.factories import AffiliateFactory, DisclosureFactory, FactoryFactory

pytestmark = pytest.mark.django_db

AWKWARD = 'Tab\there, newline\nthere, a back\\slash, "quotes", {braces}, \\N and NULL'


def test_arrays_encrypted_texts_nulls_and_escapes_arrive_as_saved():
    site = FactoryFactory()
    rows = [
        {
            "reference": f"GR-C{n}",
            "channel": "web",
            "language": "en",
            "factory": site if n == 1 else None,
            "country": "VN",
            "categories": ["hours", "wages"] if n == 1 else [],
            "description": AWKWARD if n == 1 else "",
            "received_on": date(2026, 3, n + 1),
            "ack_due": date(2026, 3, 10),
            "feedback_due": date(2026, 4, 10),
            "receipt_lookup": None,
            "workplace": 'Array-ish {"a",NULL}',
        }
        for n in range(1, 3)
    ]
    with CaptureQueriesContext(connection) as queries:
        ids = copy_rows(Grievance, rows)
    assert len(ids) == 2 and ids == sorted(ids)
    first, second = (Grievance.objects.get(pk=pk) for pk in ids)
    assert (first.factory, second.factory) == (site, None)
    assert first.categories == ["hours", "wages"] and second.categories == []
    assert first.description == AWKWARD and second.description == ""
    assert first.workplace == 'Array-ish {"a",NULL}'
    assert first.receipt_lookup is None and first.country.code == "VN"
    assert first.received_on == date(2026, 3, 2)
    assert first.status == Grievance._meta.get_field("status").default  # a default
    with connection.cursor() as cursor:
        cursor.execute("SELECT description FROM grievances_grievance WHERE id = %s", [ids[0]])
        stored = cursor.fetchone()[0]
    assert stored != AWKWARD and decrypt(stored) == AWKWARD  # encrypted as a save would
    # The ids and the table's row security; the rows went through COPY, no INSERT.
    assert not [q for q in queries.captured_queries if "INSERT" in q["sql"]]
    assert len(queries) <= 5


def test_equal_encrypted_texts_get_their_own_tokens():
    rows = [
        {"reference": f"GR-T{n}", "channel": "web", "language": "en", "description": "Same"}
        for n in range(2)
    ]
    rows = [{**r, "received_on": date(2026, 1, 1), "ack_due": date(2026, 1, 8)} for r in rows]
    rows = [{**r, "feedback_due": date(2026, 2, 1), "receipt_lookup": None} for r in rows]
    ids = copy_rows(Grievance, rows)
    with connection.cursor() as cursor:
        cursor.execute("SELECT description FROM grievances_grievance WHERE id = ANY(%s)", [ids])
        tokens = {row[0] for row in cursor.fetchall()}
    assert len(tokens) == 2


def test_a_table_under_row_security_gets_its_rows_through_a_checked_insert():
    with scopes_disabled():
        disclosure = DisclosureFactory()
        rows = [
            {
                "affiliate": disclosure.affiliate_id,
                "disclosure_id": disclosure.pk,
                "via": "api",
                "file_name": f"list {n}.csv",
                "errors": [{"row": n, "message": 'Bad "country"\tcode'}] if n else [],
                "rows_total": 10 * n,
            }
            for n in range(3)
        ]
        ids = copy_rows(DisclosureUpload, rows)
        uploads = list(DisclosureUpload.objects.filter(pk__in=ids).order_by("pk"))
    assert [u.file_name for u in uploads] == ["list 0.csv", "list 1.csv", "list 2.csv"]
    assert uploads[2].errors == [{"row": 2, "message": 'Bad "country"\tcode'}]
    assert uploads[0].errors == [] and uploads[1].rows_total == 10
    # Outside any scope the policy refuses the rows (the staging table was rolled back).
    other = AffiliateFactory()
    with pytest.raises(ProgrammingError):
        copy_rows(DisclosureUpload, [{**rows[0], "affiliate": other.pk}])


def test_unknown_fields_are_refused_and_the_database_checks_required_values():
    before = Factory.objects.count()
    with pytest.raises(ValueError, match="no field colour"):
        copy_rows(Factory, [{"name": "A", "colour": "red"}])
    with pytest.raises(IntegrityError):  # no latitude default is fine, no name is not
        copy_rows(Factory, [{"name": None, "address": "1 Road", "country": "TH"}])
    assert Factory.objects.count() == before
    assert copy_rows(Factory, []) == []
