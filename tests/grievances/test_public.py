"""The anonymous form and the follow-up with a receipt code (SECURITY.md, the anonymous form)."""

import io
import logging
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from grievances import receipts
from grievances.models import Grievance, GrievanceAttachment, GrievanceMessage, Side
from grievances.services import grievance_post_message
from grievances.throttle import LIMITS, WRONG_CODES_PER_LOOKUP

from .conftest import CONTACT, DESCRIPTION, submit

pytestmark = pytest.mark.django_db

CLIENT_IP = "203.0.113.77"
USER_AGENT = "Mozilla/5.0 (Linux; Android 13; SM-A145F) WorkerPhone/1.0"
FORM = {
    "workplace": "Rojana Industrial Park, building 2",
    "country": "TH",
    "categories": ["documents", "fees"],
    "description": DESCRIPTION,
    "wants_contact": "yes",
    "contact_method": "messaging",
    "contact_details": CONTACT,
}


def _post_form(client, data=None, **extra):
    return client.post(
        "/grievances/new/?lang=th",
        {**FORM, **(data or {})},
        REMOTE_ADDR=CLIENT_IP,
        HTTP_USER_AGENT=USER_AGENT,
        **extra,
    )


def _code_in(response) -> str:
    return re.search(r'<output id="receipt-code">([0-9A-Z-]+)</output>', response.content.decode())[
        1
    ]


def _open(client, code, **extra):
    extra.setdefault("REMOTE_ADDR", CLIENT_IP)
    return client.post("/grievances/follow-up/", {"code": code}, **extra)


def _random_code():
    return receipts.new_code()[1]


def test_form_speaks_the_chosen_language_and_is_not_cached(client):
    response = client.get("/grievances/new/?lang=th")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="th">' in page
    assert "แจ้งปัญหาที่ทำงาน" in page
    assert response["Cache-Control"] == "no-store"
    assert response.cookies["ew_grievance_language"].value == "th"
    # The cookie keeps the choice for the next page.
    assert '<html lang="th">' in client.get("/grievances/follow-up/").content.decode()


def test_a_submission_shows_a_receipt_code_once_and_stores_no_plaintext(client):
    response = _post_form(client)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    code = _code_in(response)
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}", code)
    grievance = Grievance.objects.get()
    assert (grievance.language, grievance.channel, grievance.status) == ("th", "web", "received")
    assert grievance.description == DESCRIPTION
    assert grievance.contact_details == CONTACT
    assert grievance.reference.startswith("G-")
    # The raw columns hold ciphertext; the code is nowhere, only a hash of its secret.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT description, contact_details, receipt_lookup, receipt_hash"
            " FROM grievances_grievance"
        )
        description, contact, lookup, secret_hash = cursor.fetchone()
    assert description.startswith("gAAAA") and "passport" not in description
    assert contact.startswith("gAAAA") and "somchai" not in contact
    assert lookup == code[:4]
    assert code.replace("-", "")[4:] not in secret_hash
    with connection.cursor() as cursor:
        cursor.execute("SELECT session_data FROM django_session")
        sessions = " ".join(row[0] for row in cursor.fetchall())
    assert code not in sessions


def test_a_submission_writes_nothing_identifying_to_the_logs(client, caplog):
    for name in ("", "django", "django.request", "django.security", "ew", "celery"):
        caplog.set_level(logging.DEBUG, logger=name)
    with CaptureQueriesContext(connection):  # SQL is logged too, at DEBUG level
        response = _post_form(client)
        code = _code_in(response)
        _open(client, code, HTTP_USER_AGENT=USER_AGENT)
        client.get(
            "/grievances/follow-up/thread/", REMOTE_ADDR=CLIENT_IP, HTTP_USER_AGENT=USER_AGENT
        )
        client.post(
            "/grievances/follow-up/thread/",
            {"body": "More: " + DESCRIPTION},
            REMOTE_ADDR=CLIENT_IP,
            HTTP_USER_AGENT=USER_AGENT,
        )
        for _ in range(12):  # refused, then throttled (429)
            _open(client, _random_code(), HTTP_USER_AGENT=USER_AGENT)
    logged = "\n".join(
        f"{record.getMessage()} {record.args!r} {record.__dict__!r}" for record in caplog.records
    )
    assert "INSERT INTO" in logged  # the capture works
    for secret in (DESCRIPTION, "passport", CONTACT, "somchai", code, CLIENT_IP, USER_AGENT):
        assert secret not in logged


def test_a_receipt_code_opens_its_own_grievance_and_no_other(client):
    _mine, my_code = submit(intake={"description": "Mine: wages withheld since March."})
    _other, _ = submit(intake={"description": "Someone else's: forced overtime."})
    response = _open(client, my_code.lower().replace("-", " "))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Mine: wages withheld since March." in page
    assert "forced overtime" not in page
    assert client.get("/grievances/follow-up/thread/")["Cache-Control"] == "no-store"
    # Leaving forgets the access.
    client.post("/grievances/follow-up/leave/")
    assert client.get("/grievances/follow-up/thread/")["Location"] == "/grievances/follow-up/"


def test_a_wrong_code_is_refused_without_saying_which_part_was_wrong(client):
    _grievance, code = submit()
    lookup, secret = receipts.split(code)
    wrong_secret = lookup + "-" + ("0" * 16 if secret != "0" * 16 else "1" * 16)
    other_lookup = next(c for c in receipts.ALPHABET if c != lookup[0]) + lookup[1:]
    wrong_lookup = other_lookup + "-" + secret
    answers = []
    for attempt in (wrong_secret, wrong_lookup, "not a code"):
        response = _open(client, attempt)
        answers.append((response.status_code, _refusal(response)))
    assert answers[0] == answers[1] == answers[2]
    assert answers[0] == (400, "This code does not open any report. Check it and try again.")
    assert client.get("/grievances/follow-up/thread/").status_code == 302


def _refusal(response):
    match = re.search(r'role="alert">([^<]+)<', response.content.decode())
    return match[1] if match else None


def test_repeated_guessing_is_throttled_per_client(client):
    _grievance, code = submit()
    for _ in range(LIMITS["follow-up"]):
        assert _open(client, _random_code()).status_code == 400
    response = _open(client, code)  # even the right code, from this address, this hour
    assert response.status_code == 429
    assert "Too many attempts. Please try again later." in response.content.decode()
    # Another address has its own bucket.
    assert _open(client, code, REMOTE_ADDR="198.51.100.9").status_code == 302


def test_guessing_one_code_from_many_addresses_locks_that_code(client):
    _grievance, code = submit()
    for n in range(WRONG_CODES_PER_LOOKUP):
        _open(client, code[:5] + "0000-0000-0000-0000", REMOTE_ADDR=f"198.51.100.{n}")
    # Even the right secret is refused while the lookup id is locked.
    assert _open(client, code, REMOTE_ADDR="192.0.2.1").status_code == 429


def test_the_throttle_stores_no_address(client):
    from django.core.cache import cache

    _open(client, "AAAA-BBBB-CCCC-DDDD-EEEE")
    keys = [k.decode() for k in cache._cache.get_client().keys("*")]
    assert keys
    assert not any(CLIENT_IP in key for key in keys)


def test_the_honeypot_pretends_success_and_stores_nothing(client):
    response = _post_form(client, {"website": "http://spam.example"})
    assert response.status_code == 200
    assert _code_in(response)
    assert Grievance.objects.count() == 0


def test_the_worker_reads_the_staff_reply_and_answers(client, staff):
    grievance, code = submit()
    grievance_post_message(
        grievance=grievance, body="Which agency is it?", side=Side.STAFF, by=staff
    )
    grievance_post_message(
        grievance=grievance,
        body="Internal: call the brand.",
        side=Side.STAFF,
        by=staff,
        visible_to_grievant=False,
    )
    _open(client, code)
    page = client.get("/grievances/follow-up/thread/").content.decode()
    assert "Which agency is it?" in page
    assert "Internal" not in page
    response = client.post("/grievances/follow-up/thread/", {"body": "Golden Bridge Manpower"})
    assert response.status_code == 302
    message = GrievanceMessage.objects.get(side="grievant")
    assert (message.body, message.author) == ("Golden Bridge Manpower", None)


def test_missing_workplace_and_description_are_reported_in_the_workers_language(client):
    response = _post_form(client, {"workplace": "", "description": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "กรุณาเลือกหรือเขียนชื่อที่ทำงาน" in page
    assert Grievance.objects.count() == 0


def test_an_attachment_is_stored_without_metadata_or_original_name(client):
    image = Image.new("RGB", (20, 20), "red")
    exif = Image.Exif()
    exif[0x010F] = "WorkerPhoneMaker"
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    buffer.seek(0)
    buffer.name = "somchai-passport.jpg"
    response = _post_form(client, {"attachments": [buffer]})
    assert response.status_code == 200, response.content.decode()[:2000]
    attachment = GrievanceAttachment.objects.get()
    assert "somchai" not in attachment.file.name
    assert attachment.content_type == "image/jpeg"
    content = attachment.file.read()
    assert b"WorkerPhoneMaker" not in content


def test_factory_search_lists_known_factories_only_by_name_region_and_country(client):
    from tests.factories import FactoryFactory

    FactoryFactory(name="Ayutthaya Precision Electronics", region="Ayutthaya", country="TH")
    response = client.post("/grievances/factories/", {"q": "precision"})
    page = response.content.decode()
    assert "Ayutthaya Precision Electronics" in page
    assert "Industrial Estate Road" not in page  # no address


def test_factory_search_keeps_what_the_worker_typed_out_of_the_url(client):
    from tests.factories import FactoryFactory

    FactoryFactory(name="Ayutthaya Precision Electronics", region="Ayutthaya", country="TH")
    assert client.get("/grievances/factories/?q=precision").status_code == 405
    form = client.get("/grievances/new/").content.decode()
    assert 'hx-post="/grievances/factories/"' in form
    assert "hx-get" not in form
    # Without JavaScript the search button posts the form; the URL only says it is a search.
    response = client.post("/grievances/new/?search=1", {"q": "precision"})
    assert "Ayutthaya Precision Electronics" in response.content.decode()


def _submission_token(page) -> str:
    return re.search(r'name="submission" value="([^"]+)"', page.content.decode())[1]


def test_the_same_form_sent_twice_is_filed_once(client):
    token = _submission_token(client.get("/grievances/new/?lang=th"))
    other = _submission_token(client.get("/grievances/new/?lang=th"))
    assert token != other  # a fresh token for every form shown

    first = _post_form(client, {"submission": token})
    reloaded = _post_form(client, {"submission": token})

    assert _code_in(first)
    assert Grievance.objects.count() == 1
    assert reloaded.status_code == 200
    assert "receipt-code" not in reloaded.content.decode()
    assert "เราได้รับเรื่องนี้แล้ว" in reloaded.content.decode()  # "already received", in Thai
    _post_form(client, {"submission": other})
    assert Grievance.objects.count() == 2


def test_a_throttled_worker_is_told_when_to_come_back(client, settings):
    for _ in range(10):
        client.post("/grievances/follow-up/", {"code": "AAAA-BBBB-CCCC"})
    response = client.post("/grievances/follow-up/", {"code": "AAAA-BBBB-CCCC"})
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
