"""Uploads: allowed by content, metadata stripped, limits with specific messages."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfReader, PdfWriter

from core.uploads import UploadRejected, clean_upload

GPS_IFD = 0x8825


def photo_with_gps(fmt="JPEG") -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0131] = "Camera app 1.2"  # Software
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (14.0, 21.0, 7.5)
    gps[3] = "E"
    gps[4] = (100.0, 34.0, 2.0)
    out = io.BytesIO()
    image.save(out, format=fmt, exif=exif)
    return out.getvalue()


def test_photo_loses_gps_and_camera_metadata_but_keeps_its_pixels():
    raw = photo_with_gps()
    assert Image.open(io.BytesIO(raw)).getexif().get_ifd(GPS_IFD)  # the fixture has GPS

    clean = clean_upload(SimpleUploadedFile("IMG_0001.JPG", raw, "image/jpeg"))

    stored = Image.open(io.BytesIO(clean.content))
    assert clean.content_type == "image/jpeg" and clean.extension == "jpg"
    assert dict(stored.getexif()) == {}
    assert stored.getexif().get_ifd(GPS_IFD) == {}
    assert b"PhoneMaker" not in clean.content and b"Exif" not in clean.content
    assert stored.size == (64, 48)
    assert stored.getpixel((10, 10))[0] > 180


def test_png_text_chunks_are_dropped():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "Somchai at line 4")
    out = io.BytesIO()
    Image.new("RGBA", (8, 8), (0, 0, 0, 0)).save(out, format="PNG", pnginfo=info)

    clean = clean_upload(SimpleUploadedFile("scan.png", out.getvalue()))

    assert clean.content_type == "image/png"
    assert b"Somchai" not in clean.content
    assert Image.open(io.BytesIO(clean.content)).mode == "RGBA"


def test_pdf_loses_its_author_metadata():
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Author": "Nguyen Van A", "/Producer": "Scanner 3000"})
    out = io.BytesIO()
    writer.write(out)

    clean = clean_upload(SimpleUploadedFile("payslip.pdf", out.getvalue()))

    reader = PdfReader(io.BytesIO(clean.content))
    assert clean.content_type == "application/pdf"
    assert len(reader.pages) == 1
    assert b"Nguyen Van A" not in clean.content
    assert not (reader.metadata or {}).get("/Author")


def test_program_renamed_as_photo_is_refused_by_its_content():
    disguised = SimpleUploadedFile("holiday.jpg", b"MZ\x90\x00\x03" + b"\x00" * 200, "image/jpeg")
    with pytest.raises(UploadRejected, match=r"holiday\.jpg.*not a JPEG, PNG or WebP"):
        clean_upload(disguised)


def test_gif_is_not_on_the_allowlist():
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, format="GIF")
    with pytest.raises(UploadRejected, match="not a JPEG, PNG or WebP"):
        clean_upload(SimpleUploadedFile("a.gif", out.getvalue()))


def test_oversized_file_is_refused_with_the_limit(settings):
    settings.EW_UPLOAD_MAX_BYTES = 1024
    with pytest.raises(UploadRejected, match=r"big.pdf.*is 2\.0\xa0KB.*at most 1\.0\xa0KB"):
        clean_upload(SimpleUploadedFile("big.pdf", b"%PDF-1.4" + b"0" * 2040))


def test_empty_damaged_and_bomb_files_get_their_own_messages(settings):
    with pytest.raises(UploadRejected, match=r"“e\.png” is empty"):
        clean_upload(SimpleUploadedFile("e.png", b""))
    truncated = photo_with_gps()[:200]
    with pytest.raises(UploadRejected, match="damaged"):
        clean_upload(SimpleUploadedFile("cut.jpg", truncated))
    with pytest.raises(UploadRejected, match="looks like a PDF but is damaged"):
        clean_upload(SimpleUploadedFile("x.pdf", b"%PDF-1.7 garbage"))
    settings.EW_UPLOAD_MAX_PIXELS = 100
    with pytest.raises(UploadRejected, match="too many pixels"):
        clean_upload(SimpleUploadedFile("big.jpg", photo_with_gps()))


def _pdf_with_photo_attachment_and_annotation() -> bytes:
    from pypdf.annotations import Text
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        EncodedStreamObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    writer = PdfWriter()
    page = writer.add_blank_page(width=200, height=200)
    photo = EncodedStreamObject()
    photo._data = photo_with_gps()
    photo.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Image"),
            NameObject("/Width"): NumberObject(64),
            NameObject("/Height"): NumberObject(48),
            NameObject("/ColorSpace"): NameObject("/DeviceRGB"),
            NameObject("/BitsPerComponent"): NumberObject(8),
            NameObject("/Filter"): NameObject("/DCTDecode"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/XObject"): DictionaryObject({NameObject("/Im0"): writer._add_object(photo)})}
    )
    content = DecodedStreamObject()
    content.set_data(b"q 64 0 0 48 10 10 cm /Im0 Do Q")
    page[NameObject("/Contents")] = writer._add_object(content)
    writer.add_attachment("workers-interviewed.txt", b"Somchai, line 4, dormitory B")
    note = Text(rect=(50, 50, 80, 80), text="checked")
    note[NameObject("/T")] = TextStringObject("Monitor Nguyen Van A")
    writer.add_annotation(page_number=0, annotation=note)
    assert isinstance(page["/Annots"], ArrayObject)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pdf_loses_photo_gps_attached_files_and_annotation_authors():
    raw = _pdf_with_photo_attachment_and_annotation()
    assert b"PhoneMaker" in raw and b"Somchai" in raw and b"Nguyen Van A" in raw

    clean = clean_upload(SimpleUploadedFile("evidence.pdf", raw))

    assert b"PhoneMaker" not in clean.content  # the camera in the photo's EXIF
    assert b"Exif" not in clean.content
    assert b"Somchai" not in clean.content  # the attached file
    assert b"Nguyen Van A" not in clean.content  # the annotation's author
    reader = PdfReader(io.BytesIO(clean.content))
    assert not reader.attachments
    (image,) = reader.pages[0].images
    assert image.image.size == (64, 48)
    assert image.image.getexif().get_ifd(GPS_IFD) == {}
