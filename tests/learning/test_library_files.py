"""Library files: PDF, DOCX and XLSX only, recognised by content; a file whose content does not
match its type is refused with a clear message and nothing is saved; downloads are
permission-checked."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.uploads import UploadRejected, clean_document
from learning.models import Resource, ResourceVersion
from tests.factories import library_resource

from .documents import docx_bytes, pdf_bytes, png_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db


def _upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.mark.parametrize(
    ("name", "make", "extension"),
    [
        ("clause.pdf", pdf_bytes, "pdf"),
        ("clause.docx", docx_bytes, "docx"),
        ("tool.xlsx", xlsx_bytes, "xlsx"),
    ],
)
def test_documents_are_recognised_by_content(name, make, extension):
    clean = clean_document(_upload(name, make()))
    assert clean.extension == extension
    assert clean.original_name == name


def test_office_document_properties_are_emptied_and_the_package_still_opens():
    clean = clean_document(_upload("clause.docx", docx_bytes(author="Jane Officer")))
    with zipfile.ZipFile(io.BytesIO(clean.content)) as package:
        assert b"Jane Officer" not in package.read("docProps/core.xml")
        assert b"<w:t>Clause</w:t>" in package.read("word/document.xml")
    workbook = clean_document(_upload("tool.xlsx", xlsx_bytes()))
    with zipfile.ZipFile(io.BytesIO(workbook.content)) as package:
        assert b"Jane Officer" not in package.read("docProps/core.xml")
    from openpyxl import load_workbook

    assert load_workbook(io.BytesIO(workbook.content)).active["A1"].value == "Supplier"


def test_pdf_loses_its_author():
    from pypdf import PdfReader

    assert PdfReader(io.BytesIO(pdf_bytes())).metadata["/Author"] == "Jane Officer"
    clean = clean_document(_upload("clause.pdf", pdf_bytes()))
    assert not (PdfReader(io.BytesIO(clean.content)).metadata or {}).get("/Author")


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("clause.pdf", png_bytes, "is not a PDF, Word (DOCX) or Excel (XLSX) document"),
        ("clause.pdf", docx_bytes, "is named as a .pdf file but its content is a DOCX document"),
        ("tool.xlsx", docx_bytes, "is named as a .xlsx file but its content is a DOCX document"),
        ("clause.docx", pdf_bytes, "is named as a .docx file but its content is a PDF document"),
        ("clause.docm", lambda: docx_bytes(macros=True), "contains macros"),
        ("notes.txt", lambda: b"plain text", "is not a PDF, Word (DOCX) or Excel (XLSX)"),
        ("archive.docx", lambda: _zip_without_office_parts(), "is not a PDF, Word (DOCX)"),
        (
            "broken.docx",
            lambda: b"PK\x03\x04broken",
            "looks like an Office document but is damaged",
        ),
    ],
)
def test_a_file_whose_content_does_not_match_its_type_is_refused(name, make, message):
    with pytest.raises(UploadRejected) as refused:
        clean_document(_upload(name, make()))
    assert message in refused.value.message
    assert name in refused.value.message


def _zip_without_office_parts():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("readme.txt", "hello")
    return out.getvalue()


def test_size_is_limited_by_the_library_setting(settings):
    settings.EW_LIBRARY_MAX_BYTES = 1000
    from learning.forms.library import VersionForm

    form = VersionForm(
        {"language": "en", "title": "Big", "format": "file"},
        {"file": _upload("big.pdf", pdf_bytes() + b"%" * 2000)},
    )
    assert not form.is_valid()
    assert "files may be at most 1000" in str(form.errors["file"])


def _media_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _create_post(name, content, **extra):
    return {
        "facets-kind": "contract_clause",
        "version-language": "en",
        "version-title": "Electronics Watch Contract Conditions",
        "version-format": "file",
        "version-file": _upload(name, content),
        **extra,
    }


def test_staff_upload_with_wrong_content_is_refused_and_nothing_is_saved(client, staff, settings):
    client.force_login(staff)
    response = client.post("/learn/new/", _create_post("conditions.pdf", png_bytes()))
    assert response.status_code == 400
    page = response.content.decode()
    assert "“conditions.pdf” is not a PDF, Word (DOCX) or Excel (XLSX) document" in page
    assert Resource.objects.count() == 0
    assert ResourceVersion.objects.count() == 0
    assert _media_files(settings) == []


def test_staff_new_version_with_mismatched_file_is_refused_and_nothing_is_saved(
    client, staff, settings
):
    resource = library_resource(title="Clause")
    client.force_login(staff)
    response = client.post(
        f"/learn/resources/{resource.pk}/versions/new/",
        {
            "language": "en",
            "title": "Clause",
            "format": "file",
            "file": _upload("clause.xlsx", docx_bytes()),
            "change_note": "Now a file.",
        },
    )
    assert response.status_code == 400
    assert "is named as a .xlsx file but its content is a DOCX document" in (
        response.content.decode()
    )
    assert resource.versions.count() == 1
    assert _media_files(settings) == []


def test_staff_upload_is_stored_privately_and_downloaded_by_members(
    client, staff, northvale_officer, settings
):
    client.force_login(staff)
    response = client.post("/learn/new/", _create_post("Conditions (EN).docx", docx_bytes()))
    assert response.status_code == 302
    version = ResourceVersion.objects.get()
    # A random name under library/, never the uploader's.
    assert version.file.name.startswith("library/")
    assert "Conditions" not in version.file.name
    assert version.file_name == "Conditions (EN).docx"
    assert len(_media_files(settings)) == 1
    url = f"/learn/resources/{version.resource_id}/versions/{version.pk}/file/"

    # A draft's file: staff only.
    assert client.get(url).status_code == 200
    client.force_login(northvale_officer)
    assert client.get(url).status_code == 404

    version.resource.status = Resource.Status.PUBLISHED
    version.resource.save()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        assert "word/document.xml" in package.namelist()


def test_download_of_another_resources_version_or_a_text_version_is_404(client, northvale_officer):
    text = library_resource(title="Text resource")
    other = library_resource(title="Other")
    client.force_login(northvale_officer)
    version = text.versions.get()
    assert client.get(f"/learn/resources/{text.pk}/versions/{version.pk}/file/").status_code == 404
    assert client.get(f"/learn/resources/{other.pk}/versions/{version.pk}/file/").status_code == 404


def test_anonymous_download_goes_to_sign_in(client):
    resource = library_resource(title="Public? No.")
    version = resource.versions.get()
    response = client.get(f"/learn/resources/{resource.pk}/versions/{version.pk}/file/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
