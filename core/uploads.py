"""Evidence and attachment uploads, shared by monitoring and grievances.

An upload is accepted only when its *content* is one of the allowed types (JPEG, PNG, WebP
images and PDF documents): the name and the browser's content type are ignored, so a program
renamed `photo.jpg` is refused. Images are decoded under Pillow's decompression-bomb limit and
written again without their metadata (EXIF, GPS position, camera serial, XMP, comments), so a
photo taken by a worker cannot reveal where or on whose phone it was taken. PDFs lose their
document information and XMP metadata (author, software). The cleaned bytes are what is
stored; no original is kept (see README, "Evidence files").

Documents of the guidance library (`clean_document`) are PDF, Word (DOCX) or Excel (XLSX)
files, also recognised by content: a PDF by its magic bytes, DOCX and XLSX as ZIP packages with
the parts of their kind in `[Content_Types].xml`; macro-enabled packages are refused, and the
name's extension must say the same as the content. Office packages lose their document
properties (author, company, custom properties), PDFs their metadata as above.

Files are saved through Django's storage API under a random name (`PrivateUploadTo`), never
under the uploader's file name, and are served only by permission-checked views through
`file_download()`; there is no public media URL.
"""

from __future__ import annotations

import hashlib
import io
import re
import uuid
import warnings
import zipfile
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, NameObject

from .errors import DomainError
from .forms import interpolate_lazy
from .spreadsheets import attachment

# Pillow's format name → (content type, extension we store).
IMAGE_TYPES = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}
PDF_TYPE = ("application/pdf", "pdf")
ACCEPT = "image/jpeg,image/png,image/webp,application/pdf,.jpg,.jpeg,.png,.webp,.pdf"

# Office Open XML packages: the main part's content type, the folder of its parts.
DOCX_TYPE = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "docx",
)
XLSX_TYPE = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
OFFICE_PACKAGES = {
    "docx": (
        DOCX_TYPE,
        "word/",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ),
    "xlsx": (
        XLSX_TYPE,
        "xl/",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ),
}
DOCUMENT_ACCEPT = f"application/pdf,{DOCX_TYPE[0]},{XLSX_TYPE[0]},.pdf,.docx,.xlsx"
# A package may inflate to this many times the upload limit, in at most this many parts: more
# is a ZIP bomb, not a document.
OFFICE_MAX_INFLATION = 20
OFFICE_MAX_PARTS = 5000
# Document properties written again empty: who wrote it, for which company, and custom fields.
_EMPTY_PROPERTIES = {
    "docProps/core.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        b'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"/>'
    ),
    "docProps/app.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'extended-properties"/>'
    ),
    "docProps/custom.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'custom-properties"/>'
    ),
}


class UploadRejected(DomainError):
    """An upload that is not stored; the message says why, naming the file."""


@dataclass(frozen=True)
class CleanFile:
    content: bytes
    content_type: str
    extension: str
    original_name: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)


def _read(upload, limit: int) -> tuple[str, bytes]:
    """The uploader's file name (for messages) and the content, refused if empty or too big."""
    name = _display_name(getattr(upload, "name", "") or "")
    if upload.size > limit:
        raise UploadRejected(
            _("“%(name)s” is %(size)s; files may be at most %(limit)s.")
            % {"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    upload.seek(0)
    data = upload.read(limit + 1)
    if not data:
        raise UploadRejected(_("“%(name)s” is empty.") % {"name": name})
    return name, data


def clean_upload(upload, *, max_bytes: int | None = None) -> CleanFile:
    """Check an uploaded file and return its metadata-free content, or raise UploadRejected."""
    name, data = _read(upload, max_bytes or settings.EW_UPLOAD_MAX_BYTES)
    if data.startswith(b"%PDF-"):
        content, (content_type, extension) = _clean_pdf(data, name), PDF_TYPE
    else:
        content, (content_type, extension) = _clean_image(data, name)
    return CleanFile(
        content=content,
        content_type=content_type,
        extension=extension,
        original_name=name,
        sha256=hashlib.sha256(content).hexdigest(),
    )


def clean_document(upload, *, max_bytes: int | None = None) -> CleanFile:
    """Check an uploaded PDF, DOCX or XLSX document and return its content without document
    properties, or raise UploadRejected. The content decides the type; the name's extension
    must agree with it."""
    limit = max_bytes or settings.EW_UPLOAD_MAX_BYTES
    name, data = _read(upload, limit)
    if data.startswith(b"%PDF-"):
        content, (content_type, extension) = _clean_pdf(data, name), PDF_TYPE
    elif data.startswith(b"PK\x03\x04"):
        content, (content_type, extension) = _clean_office(data, name, limit)
    else:
        raise _not_a_document(name)
    claimed = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if claimed != extension:
        raise UploadRejected(
            _(
                "“%(name)s” is named as a .%(claimed)s file but its content is a %(actual)s "
                "document. Please send the file with its right extension."
            )
            % {"name": name, "claimed": claimed or "?", "actual": extension.upper()}
        )
    return CleanFile(
        content=content,
        content_type=content_type,
        extension=extension,
        original_name=name,
        sha256=hashlib.sha256(content).hexdigest(),
    )


def _not_a_document(name: str) -> UploadRejected:
    return UploadRejected(
        _(
            "“%(name)s” is not a PDF, Word (DOCX) or Excel (XLSX) document (we read the "
            "file's content, not its name). Please send one of those."
        )
        % {"name": name}
    )


def _clean_office(data: bytes, name: str, limit: int) -> tuple[bytes, tuple[str, str]]:
    """A DOCX or XLSX package, written again with empty document properties."""
    damaged = UploadRejected(
        _("“%(name)s” looks like an Office document but is damaged and cannot be read.")
        % {"name": name}
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            parts = package.infolist()
            if len(parts) > OFFICE_MAX_PARTS or (
                sum(part.file_size for part in parts) > limit * OFFICE_MAX_INFLATION
            ):
                raise UploadRejected(
                    _("“%(name)s” unpacks to far more than its size and cannot be accepted.")
                    % {"name": name}
                )
            names = {part.filename for part in parts}
            if "[Content_Types].xml" not in names:
                raise _not_a_document(name)
            types = package.read("[Content_Types].xml").decode("utf-8", "replace")
            if re.search(r"macroEnabled|vbaProject", types, re.IGNORECASE) or any(
                n.lower().endswith("vbaproject.bin") for n in names
            ):
                raise UploadRejected(
                    _(
                        "“%(name)s” contains macros; please save it as a plain .docx or .xlsx "
                        "document without macros."
                    )
                    % {"name": name}
                )
            kind = next(
                (
                    kind
                    for kind, (_type, folder, main) in OFFICE_PACKAGES.items()
                    if main in types and any(n.startswith(folder) for n in names)
                ),
                None,
            )
            if kind is None:
                raise _not_a_document(name)
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as clean:
                for part in parts:
                    content = _EMPTY_PROPERTIES.get(part.filename) or package.read(part)
                    clean.writestr(part.filename, content)
    except UploadRejected:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, KeyError):
        raise damaged from None
    return out.getvalue(), OFFICE_PACKAGES[kind][0]


def _not_allowed(name: str) -> UploadRejected:
    return UploadRejected(
        _(
            "“%(name)s” is not a JPEG, PNG or WebP photo or a PDF document (we read the "
            "file's content, not its name). Please send one of those."
        )
        % {"name": name}
    )


def _clean_image(data: bytes, name: str) -> tuple[bytes, tuple[str, str]]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in IMAGE_TYPES:
                    raise _not_allowed(name)
                if probe.width * probe.height > settings.EW_UPLOAD_MAX_PIXELS:
                    raise _too_many_pixels(name)
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image_format = image.format
                image.load()
                # Keep the orientation the camera recorded, then copy only the pixels into a
                # new image: some writers fall back to the source's `info` (JPEG comments).
                upright = ImageOps.exif_transpose(image)
                pixels = Image.frombytes(upright.mode, upright.size, upright.tobytes())
                if image_format == "JPEG" and pixels.mode not in {"RGB", "L", "CMYK"}:
                    pixels = pixels.convert("RGB")
                if "transparency" in upright.info:
                    pixels.info["transparency"] = upright.info["transparency"]
                if upright.mode == "P":
                    pixels.putpalette(upright.getpalette())
                out = io.BytesIO()
                options = {"quality": 90} if image_format in {"JPEG", "WEBP"} else {}
                pixels.save(out, format=image_format, **options)
    except UploadRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(name) from None
    except UnidentifiedImageError:
        raise _not_allowed(name) from None
    except (OSError, SyntaxError, ValueError):
        raise UploadRejected(
            _("“%(name)s” looks like a picture but is damaged and cannot be read.") % {"name": name}
        ) from None
    return out.getvalue(), IMAGE_TYPES[image_format]


def _too_many_pixels(name: str) -> UploadRejected:
    return UploadRejected(
        _("The picture “%(name)s” has too many pixels to be processed safely.") % {"name": name}
    )


def _clean_pdf(data: bytes, name: str) -> bytes:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise UploadRejected(
                _("“%(name)s” is password-protected; please send it without a password.")
                % {"name": name}
            )
        # Only the pages are copied, with what they reference: the document's catalogue
        # (attached files, scripts, outlines, forms, XMP) stays behind.
        writer = PdfWriter()
        for page in reader.pages:
            writer.add_page(page)
        writer.metadata = None
        _strip_pdf_extras(writer)
        out = io.BytesIO()
        writer.write(out)
    except UploadRejected:
        raise
    except (PdfReadError, OSError, ValueError, KeyError, TypeError):
        raise UploadRejected(
            _("“%(name)s” looks like a PDF but is damaged and cannot be read.") % {"name": name}
        ) from None
    return out.getvalue()


# What a page carries besides its content that can say who made it, where and with what:
# per-object XMP and application data, actions, attached files, annotation authors.
_PDF_PAGE_KEYS = ("/Metadata", "/PieceInfo", "/AA")
_PDF_ANNOTATION_KEYS = ("/T", "/M", "/NM", "/CreationDate", "/Popup", "/RC")


def _strip_pdf_extras(writer: PdfWriter) -> None:
    """Remove attachments, actions and metadata from each page and its annotations, and
    re-encode each embedded photo without its EXIF (GPS position, camera, serial number)."""
    for page in writer.pages:
        for key in _PDF_PAGE_KEYS:
            page.pop(NameObject(key), None)
        annotations = page.get("/Annots")
        if annotations is not None:
            kept = ArrayObject()
            for reference in annotations.get_object():
                annotation = reference.get_object()
                if annotation.get("/Subtype") == "/FileAttachment":
                    continue
                for key in _PDF_ANNOTATION_KEYS:
                    annotation.pop(NameObject(key), None)
                kept.append(reference)
            page[NameObject("/Annots")] = kept
        for image in page.images:
            try:
                picture = image.image
            except Exception:  # an image pypdf cannot decode: leave the pixels, drop its XMP
                picture = None
            if picture is not None:
                picture.info.clear()  # Pillow writes EXIF and XMP only when told to
                image.replace(picture)
            indirect = getattr(image, "indirect_reference", None)
            if indirect is not None:
                indirect.get_object().pop(NameObject("/Metadata"), None)


def _display_name(name: str) -> str:
    """The uploader's file name, for messages only: no path, no control characters."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable())
    return name[:120] or _("the file")


@deconstructible
class PrivateUploadTo:
    """`upload_to` that ignores the uploader's file name: `<folder>/<yyyy>/<random>.<ext>`."""

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
        return f"{self.folder}/{uuid.uuid4().hex}.{extension}"

    def __eq__(self, other):
        return isinstance(other, PrivateUploadTo) and other.folder == self.folder


def file_download(field_file, *, filename: str, content_type: str) -> FileResponse:
    """A stored file as a download; call it only after the permission check."""
    response = FileResponse(field_file.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return attachment(response, filename)


class EvidenceFileField(forms.FileField):
    """A form field that returns a `CleanFile`, or the specific reason the file is refused."""

    default_error_messages = {
        "invalid": gettext_lazy("No file was sent; check the form and try again."),
    }

    def __init__(self, *args, max_bytes: int | None = None, **kwargs):
        self.max_bytes = max_bytes
        kwargs.setdefault(
            "help_text",
            interpolate_lazy(
                gettext_lazy("JPEG, PNG or WebP photos, or PDF documents, up to %(limit)s each."),
                limit=lambda: filesizeformat(max_bytes or settings.EW_UPLOAD_MAX_BYTES),
            ),
        )
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("accept", ACCEPT)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload:
            return None
        try:
            return self.clean_file(upload)
        except UploadRejected as error:
            raise forms.ValidationError(error.message, code="rejected") from None

    def clean_file(self, upload) -> CleanFile:
        return clean_upload(upload, max_bytes=self.max_bytes)


class DocumentFileField(EvidenceFileField):
    """A form field for PDF, DOCX and XLSX documents (the guidance library), checked by
    content; returns a `CleanFile`."""

    def __init__(self, *args, max_bytes: int | None = None, **kwargs):
        kwargs.setdefault(
            "help_text",
            gettext_lazy("PDF, Word (DOCX) or Excel (XLSX) documents, up to %(limit)s.")
            % {"limit": filesizeformat(max_bytes or settings.EW_UPLOAD_MAX_BYTES)},
        )
        super().__init__(*args, max_bytes=max_bytes, **kwargs)
        self.widget.attrs["accept"] = DOCUMENT_ACCEPT

    def clean_file(self, upload) -> CleanFile:
        return clean_document(upload, max_bytes=self.max_bytes)
