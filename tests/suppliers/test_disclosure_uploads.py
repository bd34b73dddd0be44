"""Large disclosure uploads (issue 15, item 6): stored, then checked and saved by the Celery
task with its progress on the page and in the API; small files stay in the request. The
threshold is lowered to 50 rows here; the 200,000-row case is benchmarks/upload_response.py."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from openpyxl import Workbook

from affiliates.models import Membership, token_digest
from core.audit import event_model_for
from suppliers import disclosure_uploads, imports
from suppliers.models import Disclosure, DisclosureLine, DisclosureUpload, FactoryMatchReview
from suppliers.tasks import clean_disclosure_uploads, run_disclosure_upload
from tests.factories import ContractFactory, DisclosureFactory, DisclosureUploadFactory, member

pytestmark = pytest.mark.django_db
HEADER = ["site_name", "address", "country", "brand", "product_model", "tier"]
Status = DisclosureUpload.Status


@pytest.fixture(autouse=True)
def _fifty_rows(settings):
    settings.EW_IMPORT_BACKGROUND_ROWS = 50


def _rows(count, country="CN"):
    return [
        [f"Site {n} Electronics Co Ltd", f"{n} Industrial Road", country, "Acme", f"T{n}", "1"]
        for n in range(count)
    ]


def _csv(rows, name="sites.csv"):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode(), content_type="text/csv")


def _disclosure(affiliate, **fields):
    return DisclosureFactory(contract=ContractFactory(affiliate=affiliate), **fields)


def _page(disclosure):
    return f"/a/{disclosure.affiliate.slug}/disclosures/{disclosure.pk}/"


def _lines(disclosure):
    with scope(affiliate=disclosure.affiliate):
        return DisclosureLine.objects.filter(disclosure=disclosure).count()


def _upload(disclosure):
    with scope(affiliate=disclosure.affiliate):
        return DisclosureUpload.objects.filter(disclosure=disclosure).get()


def test_a_large_file_is_queued_and_the_task_imports_it_with_its_progress_on_the_page(
    client, northvale, northvale_officer, django_capture_on_commit_callbacks, monkeypatch
):
    disclosure = _disclosure(northvale)
    client.force_login(northvale_officer)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(f"{_page(disclosure)}upload/", {"file": _csv(_rows(60))})
    assert response.status_code == 302
    assert len(queued) == 1  # the task, sent after commit
    assert _lines(disclosure) == 0  # nothing saved in the request
    upload = _upload(disclosure)
    assert (upload.status, upload.rows_total, upload.file_name) == (Status.QUEUED, 60, "sites.csv")
    assert upload.uploaded_by == northvale_officer and upload.via == DisclosureUpload.Via.PAGE

    page = client.get(_page(disclosure)).content.decode()
    assert "being checked and saved in the background" in page
    assert "Queued: waiting for a worker to start." in page
    status_url = f"{_page(disclosure)}uploads/{upload.pk}/"
    assert f'hx-get="{status_url}"' in page and 'role="status"' in page

    seen = {}
    real_match = imports.match_sites_with_counts

    def match_and_look(sites, progress=None):
        # The import's transaction is open: the page still shows how far it got.
        seen["during"] = client.get(status_url).content.decode()
        return real_match(sites, progress=progress)

    monkeypatch.setattr(imports, "match_sites_with_counts", match_and_look)
    run_disclosure_upload.apply(args=[upload.pk])  # the real task, in this process

    during = seen["during"]
    assert "Matching the sites with the factory registry…" in during
    assert re.search(r'id="upload-\d+-read" max="60" value="60"', during)
    assert 'hx-swap-oob="innerHTML"' in during and "hx-trigger" in during
    upload = _upload(disclosure)
    assert upload.status == Status.DONE
    assert (upload.rows_read, upload.rows_matched, upload.rows_saved) == (60, 60, 60)
    assert (upload.lines_created, upload.lines_updated, upload.factories_created) == (60, 0, 60)
    assert upload.finished_at and not upload.file  # the stored file is gone
    assert _lines(disclosure) == 60
    after = client.get(status_url).content.decode()
    assert "The file was imported: 60 new lines, 0 updated, 60 new factories." in after
    assert "hx-trigger" not in after  # finished: the page stops asking
    assert "The file was imported: 60 new lines" in client.get(_page(disclosure)).content.decode()


def test_a_rejected_large_file_saves_nothing_and_its_error_report_stays_downloadable(
    client, northvale, northvale_officer
):
    disclosure = _disclosure(northvale)
    client.force_login(northvale_officer)
    rows = [*_rows(59), ["Last Site Co", "1 Road", "Atlantis", "Acme", "T99", "1"]]
    client.post(f"{_page(disclosure)}upload/", {"file": _csv(rows)})
    upload = _upload(disclosure)
    run_disclosure_upload.apply(args=[upload.pk])

    upload = _upload(disclosure)
    assert upload.status == Status.REJECTED
    assert upload.message.startswith("The file has 1 error; nothing was imported.")
    assert upload.errors == [[61, "country", upload.errors[0][2]]]
    assert "Atlantis" in upload.errors[0][2]
    assert _lines(disclosure) == 0
    page = client.get(_page(disclosure)).content.decode()
    assert "Rejected: The file has 1 error" in page
    assert "<tr><td>61</td><td>country</td>" in page
    report = client.get(f"{_page(disclosure)}uploads/{upload.pk}/errors.csv")
    assert report.status_code == 200
    assert report["Content-Disposition"].startswith("attachment")
    lines = report.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "row,column,message" and lines[1].startswith("61,country,")


def test_an_upload_made_in_french_gets_its_outcome_and_row_errors_in_french(
    client, northvale, northvale_officer
):
    disclosure = _disclosure(northvale)
    northvale_officer.language = "fr"  # the language the pages are in for this officer
    northvale_officer.save()
    client.force_login(northvale_officer)
    rows = [*_rows(59), ["Last Site Co", "1 Road", "Atlantis", "Acme", "T99", "1"]]
    client.post(f"{_page(disclosure)}upload/", {"file": _csv(rows)})
    upload = _upload(disclosure)
    assert upload.language == "fr"
    run_disclosure_upload.apply(args=[upload.pk])  # the task runs in English unless told

    upload = _upload(disclosure)
    assert upload.message.startswith("Le fichier contient 1 erreur")
    assert "Atlantis\u00a0» n’est pas un pays" in upload.errors[0][2]
    page = client.get(_page(disclosure)).content.decode()
    assert "Atlantis\u00a0» n’est pas un pays" in page and "The file has" not in page
    report = client.get(f"{_page(disclosure)}uploads/{upload.pk}/errors.csv")
    assert "Atlantis\u00a0» n’est pas un pays" in report.content.decode("utf-8-sig")

    # A successful one too; the contractor's link, read in English, stays in English.
    client.post(f"{_page(disclosure)}upload/", {"file": _csv(_rows(60))})
    client.logout()
    client.post(_link(disclosure), {"action": "upload", "file": _csv(_rows(61))})
    with scope(affiliate=northvale):
        done_fr, done_en = DisclosureUpload.objects.filter(status=Status.QUEUED).order_by("pk")
    run_disclosure_upload.apply(args=[done_fr.pk])
    run_disclosure_upload.apply(args=[done_en.pk])
    with scope(affiliate=northvale):
        done_fr.refresh_from_db()
        done_en.refresh_from_db()
    assert done_en.language == "en"
    assert done_fr.message.startswith("Le fichier a été importé.")
    assert done_en.message.startswith("The file was imported: ")


def test_the_page_loads_again_once_when_the_upload_it_follows_has_saved_its_lines(
    client, northvale, northvale_officer
):
    disclosure = _disclosure(northvale)
    client.force_login(northvale_officer)
    client.post(f"{_page(disclosure)}upload/", {"file": _csv(_rows(60))})
    upload = _upload(disclosure)
    status_url = f"{_page(disclosure)}uploads/{upload.pk}/"
    poll = {"HTTP_HX_REQUEST": "true"}
    assert "HX-Redirect" not in client.get(status_url, **poll)  # still queued
    run_disclosure_upload.apply(args=[upload.pk])

    # The poll that finds it done sends the browser to the page (a GET: never a form's
    # resubmission), whose table now has the lines and which polls no more.
    response = client.get(status_url, **poll)
    assert response["HX-Redirect"] == _page(disclosure)
    page = client.get(_page(disclosure)).content.decode()
    assert "60 production site lines" in page and f'hx-get="{status_url}"' not in page
    assert "HX-Redirect" not in client.get(status_url)  # not a poll: nothing to reload

    # A rejected upload changed no line: its errors open in place, announced as they come.
    rows = [*_rows(59), ["Last Site Co", "1 Road", "Atlantis", "Acme", "T99", "1"]]
    client.post(f"{_page(disclosure)}upload/", {"file": _csv(rows)})
    with scope(affiliate=northvale):
        rejected = DisclosureUpload.objects.get(status=Status.QUEUED)
    run_disclosure_upload.apply(args=[rejected.pk])
    response = client.get(f"{_page(disclosure)}uploads/{rejected.pk}/", **poll)
    assert "HX-Redirect" not in response
    fragment = response.content.decode()
    assert "<details open>" in fragment and 'role="alert"' in fragment
    assert f'<h4 id="upload-{rejected.pk}-errors-heading">' in fragment
    # On the page the errors start collapsed, under the upload's h3: no alert, an h4.
    page = client.get(_page(disclosure)).content.decode()
    block = page[page.index(f'id="upload-{rejected.pk}-progress"') :]
    block = block[: block.index("</details>")]
    assert 'role="alert"' not in block and "<h4 " in block and "<h2 " not in block

    # The contractor's link reloads itself, by its own path.
    other = _disclosure(northvale)
    path = _link(other, token="another-token")
    client.logout()
    client.post(path, {"action": "upload", "file": _csv(_rows(60))})
    link_upload = _upload(other)
    run_disclosure_upload.apply(args=[link_upload.pk])
    assert client.get(f"{path}?upload={link_upload.pk}", **poll)["HX-Redirect"] == path


def test_an_unreadable_large_file_is_rejected_with_the_readers_message(
    client, northvale, northvale_officer
):
    disclosure = _disclosure(northvale)
    client.force_login(northvale_officer)
    content = ("name,address\n" + "a,b\n" * 80).encode()  # no country, brand or model
    client.post(f"{_page(disclosure)}upload/", {"file": SimpleUploadedFile("x.csv", content)})
    upload = _upload(disclosure)
    run_disclosure_upload.apply(args=[upload.pk])
    upload = _upload(disclosure)
    assert upload.status == Status.REJECTED
    assert upload.message.startswith("The file is missing columns: country, brand")
    assert client.get(f"{_page(disclosure)}uploads/{upload.pk}/errors.csv").status_code == 404


def test_the_task_fails_with_a_clear_message_when_the_disclosure_was_accepted_meanwhile(
    client, northvale, northvale_officer
):
    disclosure = _disclosure(northvale)
    client.force_login(northvale_officer)
    client.post(f"{_page(disclosure)}upload/", {"file": _csv(_rows(60))})
    with scopes_disabled():
        Disclosure.objects.filter(pk=disclosure.pk).update(status=Disclosure.Status.ACCEPTED)
    upload = _upload(disclosure)
    run_disclosure_upload.apply(args=[upload.pk])

    upload = _upload(disclosure)
    assert upload.status == Status.FAILED
    assert "has been accepted and can no longer be changed" in upload.message
    assert _lines(disclosure) == 0
    assert not upload.file
    page = client.get(_page(disclosure)).content.decode()
    assert "Failed: This disclosure has been accepted" in page


def test_an_unexpected_error_in_the_task_ends_as_failed_and_saves_nothing(northvale, monkeypatch):
    disclosure = _disclosure(northvale)
    with scope(affiliate=northvale):
        upload = disclosure_uploads.disclosure_upload(
            disclosure=disclosure, file=_csv(_rows(60)), by=None, via=DisclosureUpload.Via.LINK
        )

    def broken(sites, progress=None):
        raise RuntimeError("the registry is on fire")

    monkeypatch.setattr(imports, "match_sites_with_counts", broken)
    run_disclosure_upload.apply(args=[upload.pk])
    upload = _upload(disclosure)
    assert upload.status == Status.FAILED
    assert upload.message.startswith("The file could not be imported because of an error")
    assert "fire" not in upload.message
    assert _lines(disclosure) == 0


def test_a_task_delivered_twice_imports_once(northvale):
    disclosure = _disclosure(northvale)
    upload = disclosure_uploads.disclosure_upload(
        disclosure=disclosure, file=_csv(_rows(60)), by=None, via=DisclosureUpload.Via.LINK
    )
    run_disclosure_upload.apply(args=[upload.pk])
    finished = _upload(disclosure).finished_at
    run_disclosure_upload.apply(args=[upload.pk])
    assert _upload(disclosure).finished_at == finished
    assert disclosure_uploads.disclosure_upload_run(upload.pk) is None
    assert disclosure_uploads.disclosure_upload_run(999_999) is None


def test_a_small_file_is_still_imported_in_the_request(client, northvale, northvale_officer):
    disclosure = _disclosure(northvale)
    client.force_login(northvale_officer)
    response = client.post(f"{_page(disclosure)}upload/", {"file": _csv(_rows(50))})
    assert response.status_code == 302
    assert _lines(disclosure) == 50
    with scope(affiliate=northvale):
        assert not DisclosureUpload.objects.exists()


def test_rows_are_counted_without_reading_them():
    assert disclosure_uploads.row_estimate(b"a,b\n1,2\n3,4\n") == 2
    assert disclosure_uploads.row_estimate(b"a,b\n1,2\n3,4") == 2
    assert disclosure_uploads.row_estimate(b"a,b\n\n\n\n") == 3  # blank lines count
    workbook = Workbook()
    workbook.active.append(HEADER)
    for row in _rows(70):
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    assert disclosure_uploads.row_estimate(out.getvalue()) == 70  # the sheet's <dimension>
    assert disclosure_uploads.row_estimate(b"PK\x03\x04 not a zip") == 0


def test_a_large_xlsx_goes_to_the_background_too(northvale):
    workbook = Workbook()
    workbook.active.append(HEADER)
    for row in _rows(70):
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    disclosure = _disclosure(northvale)
    upload = disclosure_uploads.disclosure_upload(
        disclosure=disclosure,
        file=SimpleUploadedFile("sites.xlsx", out.getvalue()),
        by=None,
        via=DisclosureUpload.Via.LINK,
    )
    assert isinstance(upload, DisclosureUpload)
    run_disclosure_upload.apply(args=[upload.pk])
    assert _upload(disclosure).status == Status.DONE
    assert _lines(disclosure) == 70


def test_another_affiliates_upload_and_its_report_are_404(client, northvale, southport):
    theirs = DisclosureUploadFactory(disclosure=_disclosure(southport))
    mine = _disclosure(northvale)
    client.force_login(member(northvale, Membership.Role.ADMIN))
    base = f"/a/northvale/disclosures/{theirs.disclosure_id}/uploads/{theirs.pk}/"
    assert client.get(base).status_code == 404
    assert client.get(f"{base}errors.csv").status_code == 404
    # Nor through one of northvale's own disclosures.
    assert client.get(f"/a/northvale/disclosures/{mine.pk}/uploads/{theirs.pk}/").status_code == 404
    assert client.get(f"/api/v1/disclosure-uploads/{theirs.pk}/").status_code == 404
    assert client.get("/api/v1/disclosure-uploads/").json()["count"] == 0


# --- The contractor's link -------------------------------------------------------------------


def _link(disclosure, token="the-token"):
    with scopes_disabled():
        Disclosure.objects.filter(pk=disclosure.pk).update(
            contractor_token_digest=token_digest(token),
            contractor_token_expires_at=timezone.now() + timedelta(days=3),
        )
    return f"/disclose/{token}/"


def test_the_contractors_link_follows_its_own_large_upload_without_an_account(
    client, northvale, northvale_officer
):
    disclosure = _disclosure(northvale)
    path = _link(disclosure)
    response = client.post(path, {"action": "upload", "file": _csv(_rows(60))})
    assert response.status_code == 302
    upload = _upload(disclosure)
    assert upload.via == DisclosureUpload.Via.LINK and upload.uploaded_by is None
    page = client.get(path).content.decode()
    assert f'hx-get="{path}?upload={upload.pk}"' in page
    assert (
        "Queued: waiting for a worker to start."
        in client.get(f"{path}?upload={upload.pk}").content.decode()
    )

    run_disclosure_upload.apply(args=[upload.pk])
    assert "60 new lines" in client.get(f"{path}?upload={upload.pk}").content.decode()
    assert _lines(disclosure) == 60
    # The request that stored it is in the audit trail without the token.
    with scopes_disabled():
        events = event_model_for(DisclosureUpload).objects.filter(pgh_obj_id=upload.pk)
        urls = [e.pgh_context.metadata.get("url", "") for e in events if e.pgh_context]
    assert "/disclose/…/" in urls and not any("the-token" in url for url in urls)

    # The affiliate's own uploads, another disclosure's, or nonsense: not through this link.
    client.force_login(northvale_officer)
    client.post(f"{_page(disclosure)}upload/", {"file": _csv(_rows(70))})
    with scope(affiliate=northvale):
        officers = DisclosureUpload.objects.get(via=DisclosureUpload.Via.PAGE)
    other = DisclosureUploadFactory(disclosure=_disclosure(northvale), via="link")
    client.logout()
    for upload_id in (officers.pk, other.pk, "x", "١", "9" * 30):
        assert client.get(f"{path}?upload={upload_id}").status_code == 404
        assert client.get(f"{path}?upload={upload_id}&download=errors").status_code == 404
    assert client.get(f"/disclose/wrong-token/?upload={upload.pk}").status_code == 410


def test_the_contractors_link_downloads_its_rejected_uploads_errors(client, northvale):
    disclosure = _disclosure(northvale)
    path = _link(disclosure)
    rows = [*_rows(60), ["Last Site Co", "1 Road", "Atlantis", "Acme", "T99", "1"]]
    client.post(path, {"action": "upload", "file": _csv(rows)})
    upload = _upload(disclosure)
    run_disclosure_upload.apply(args=[upload.pk])
    report = client.get(f"{path}?upload={upload.pk}&download=errors")
    assert report.status_code == 200
    assert report.content.decode("utf-8-sig").splitlines()[1].startswith("62,country,")
    assert "<tr><td>62</td><td>country</td>" in client.get(path).content.decode()


# --- The API ---------------------------------------------------------------------------------


def test_the_api_answers_202_for_a_large_upload_and_its_status_url_follows_it(
    client, northvale, northvale_officer
):
    disclosure = _disclosure(northvale)
    client.force_login(northvale_officer)
    response = client.post(
        "/api/v1/disclosure-uploads/", {"disclosure": disclosure.pk, "file": _csv(_rows(60))}
    )
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued" and body["rows_total"] == 60
    assert response["Location"] == body["url"]
    assert body["url"].endswith(f"/api/v1/disclosure-uploads/{body['id']}/")
    run_disclosure_upload.apply(args=[body["id"]])
    done = client.get(body["url"]).json()
    assert done["status"] == "done"
    assert (done["rows_read"], done["rows_saved"], done["lines_created"]) == (60, 60, 60)
    assert done["errors"] == [] and done["via"] == "api"


def test_the_api_imports_a_small_upload_at_once_and_reports_a_rejected_one(
    client, northvale, northvale_officer, northvale_viewer
):
    disclosure = _disclosure(northvale)
    client.force_login(northvale_officer)
    response = client.post(
        "/api/v1/disclosure-uploads/", {"disclosure": disclosure.pk, "file": _csv(_rows(3))}
    )
    assert response.status_code == 200
    with scopes_disabled():
        reviews = FactoryMatchReview.objects.count()  # "Site 1" and "Site 2" may be one
    assert response.json() == {
        "created": 3,
        "updated": 0,
        "factories_created": 3,
        "reviews_created": reviews,
    }
    bad = [["", "1 Road", "Atlantis", "Acme", "T1", "1"]]
    response = client.post(
        "/api/v1/disclosure-uploads/", {"disclosure": disclosure.pk, "file": _csv(bad)}
    )
    assert response.status_code == 400
    body = response.json()
    assert body["file"][0].startswith("The file has 2 errors; nothing was imported.")
    assert [(e["row"], e["column"]) for e in body["errors"]] == [(2, "site_name"), (2, "country")]
    assert set(body) == {"file", "errors"}
    assert _lines(disclosure) == 3

    client.force_login(northvale_viewer)
    response = client.post(
        "/api/v1/disclosure-uploads/", {"disclosure": disclosure.pk, "file": _csv(_rows(3))}
    )
    assert response.status_code == 403


# --- Retention -------------------------------------------------------------------------------


def test_uploads_and_any_file_left_are_deleted_after_the_retention(northvale, settings):
    settings.EW_DISCLOSURE_UPLOAD_RETENTION_DAYS = 30
    disclosure = _disclosure(northvale)
    old = disclosure_uploads.disclosure_upload(
        disclosure=disclosure, file=_csv(_rows(60)), by=None, via=DisclosureUpload.Via.LINK
    )
    recent = DisclosureUploadFactory(disclosure=disclosure)
    with scopes_disabled():
        DisclosureUpload.objects.filter(pk=old.pk).update(
            created_at=timezone.now() - timedelta(days=31)
        )
    stored = old.file.name
    assert old.file.storage.exists(stored)
    assert clean_disclosure_uploads.apply().get() == 1
    assert not old.file.storage.exists(stored)
    with scopes_disabled():
        assert list(DisclosureUpload.objects.values_list("pk", flat=True)) == [recent.pk]
        events = event_model_for(DisclosureUpload).objects
        assert not events.filter(pgh_obj_id=old.pk).exists()
        assert events.filter(pgh_obj_id=recent.pk).exists()
    cache.clear()
