"""ogplocal.uploads: type by content, bounded archives, server-made names, safe downloads."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.test import Client
from django.utils.datastructures import MultiValueDict

from ogplocal import uploads
from ogplocal.uploads import (
    ASSESSMENT_REPORT,
    DOCX,
    JPEG,
    MAX_ARCHIVE_ENTRIES,
    MAX_UPLOAD_BYTES,
    MINUTES,
    ODT,
    PDF,
    PNG,
    TRACKER_EVIDENCE,
    MultipleUploadField,
    UploadBatch,
    UploadField,
    UploadValidator,
    download_response,
    store_upload,
    validate_upload,
)
from tests.conftest import stored
from tests.factories import (
    DOCX_CONTENT_TYPES,
    MINIMAL_PDF,
    PNG_BYTES,
    docx_bytes,
    odt_bytes,
    upload,
    zip_bytes,
)

JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + b"\x00" * 32


def docm_bytes() -> bytes:
    return zip_bytes(
        {
            "[Content_Types].xml": DOCX_CONTENT_TYPES.replace(
                "document.main+xml", "document.macroEnabled.main+xml"
            ).replace("wordprocessingml.document.macroEnabled", "ms-word.document.macroEnabled"),
            "word/document.xml": "<w:document/>",
            "word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro",
        }
    )


def many_entries_docx() -> bytes:
    members: dict[str, bytes | str] = {
        "[Content_Types].xml": DOCX_CONTENT_TYPES,
        "word/document.xml": "<w:document/>",
    }
    members.update({f"word/media/part{n}.xml": "" for n in range(MAX_ARCHIVE_ENTRIES)})
    return zip_bytes(members)


def huge_docx() -> bytes:
    """A zip bomb dressed as DOCX: a few hundred kilobytes that expand past the bound."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", DOCX_CONTENT_TYPES)
        archive.writestr("word/document.xml", "<w:document/>")
        with archive.open("word/media/zeros.bin", "w") as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(uploads.MAX_ARCHIVE_UNCOMPRESSED_BYTES // len(chunk) + 1):
                member.write(chunk)
    return buffer.getvalue()


# Every one refused for the assessment report; (name, content, code).
HOSTILE: list[tuple[str, Callable[[], bytes], str]] = [
    ("report.pdf", lambda: b"MZ\x90\x00\x03" + b"\x00" * 120, "file_type"),  # Windows executable
    ("report.pdf", lambda: b"\x7fELF\x02\x01\x01" + b"\x00" * 120, "file_type"),  # Linux binary
    ("report.pdf", lambda: b"#!/bin/sh\nrm -rf /\n", "file_type"),
    ("report.pdf", lambda: b"<html><script>alert(document.cookie)</script></html>", "file_type"),
    (
        "report.pdf",
        lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "file_type",
    ),
    ("report.pdf", lambda: b"<html>" + MINIMAL_PDF, "file_type"),  # PDF signature not at start
    ("report.docx", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 200, "file_type"),
    ("report.docx", docm_bytes, "file_type"),  # macro-enabled .docm renamed
    ("report.docm", docm_bytes, "file_type"),
    ("report.docx", many_entries_docx, "archive_entries"),
    ("report.docx", huge_docx, "archive_size"),
    ("report.docx", lambda: zip_bytes({"readme.txt": "just a zip"}), "file_type"),
    (
        "report.docx",
        lambda: zip_bytes(
            {"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"}
        ),  # a spreadsheet
        "file_type",
    ),
    (
        "report.odt",
        lambda: odt_bytes("application/vnd.oasis.opendocument.spreadsheet"),
        "file_type",
    ),
    ("report.docx", lambda: b"PK\x03\x04" + b"\xff" * 200, "archive_damaged"),
    ("report.pdf", lambda: b"", "file_empty"),
    (
        "report.pdf",
        lambda: MINIMAL_PDF + b"0" * (MAX_UPLOAD_BYTES + 1 - len(MINIMAL_PDF)),
        "file_size",
    ),
    ("photo.pdf", lambda: PNG_BYTES, "file_type"),  # photos are for tracker evidence only
    ("photo.pdf", lambda: JPEG_BYTES, "file_type"),
    ("anim.pdf", lambda: b"GIF89a" + b"\0" * 40, "file_type"),
    ("../../etc/passwd.pdf", lambda: MINIMAL_PDF, "file_name"),
    ("..\\..\\windows\\report.pdf", lambda: MINIMAL_PDF, "file_name"),
    ("report\x00.exe.pdf", lambda: MINIMAL_PDF, "file_name"),
    ("..", lambda: MINIMAL_PDF, "file_name"),
]


@pytest.mark.parametrize(("name", "content", "code"), HOSTILE)
def test_hostile_files_are_refused_with_a_clear_message(
    name: str, content: Callable[[], bytes], code: str, media: Path
) -> None:
    # A plain File keeps the name as given (an UploadedFile already drops folders from it).
    file = File(io.BytesIO(content()), name=name)
    with pytest.raises(ValidationError) as refused:
        store_upload(file, ASSESSMENT_REPORT)
    assert refused.value.code == code
    assert refused.value.messages[0].endswith(".")
    assert stored(media) == []


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("report.pdf", MINIMAL_PDF, PDF),
        ("report.docx", docx_bytes(), DOCX),
        ("report.odt", odt_bytes(), ODT),
        # judged by content: the names and declared types lie
        ("report.docx", MINIMAL_PDF, PDF),
        ("report.pdf", docx_bytes(), DOCX),
        ("report", odt_bytes(), ODT),
    ],
)
def test_real_documents_are_accepted_by_content(
    name: str, content: bytes, expected: object
) -> None:
    file = upload(name, content, content_type="text/html")
    assert validate_upload(file, ASSESSMENT_REPORT) == expected
    assert file.tell() == 0


def test_a_file_of_exactly_20_mb_is_accepted() -> None:
    content = MINIMAL_PDF + b"0" * (MAX_UPLOAD_BYTES - len(MINIMAL_PDF))
    assert validate_upload(upload("big.pdf", content), ASSESSMENT_REPORT) == PDF


def test_the_message_names_what_the_content_is() -> None:
    with pytest.raises(ValidationError) as refused:
        validate_upload(upload("report.pdf", b"MZ\x90\x00" + b"\0" * 60), ASSESSMENT_REPORT)
    message = refused.value.messages[0]
    assert "Executable" in message
    assert "PDF, DOCX or ODT" in message


def test_photos_are_tracker_evidence_only() -> None:
    assert validate_upload(upload("a.png", PNG_BYTES), TRACKER_EVIDENCE) == PNG
    assert validate_upload(upload("a.jpg", JPEG_BYTES), TRACKER_EVIDENCE) == JPEG
    assert validate_upload(upload("a.pdf", MINIMAL_PDF), TRACKER_EVIDENCE) == PDF
    for profile in (ASSESSMENT_REPORT, MINUTES, "letter_of_support", "assessment_annex"):
        with pytest.raises(ValidationError):
            validate_upload(upload("a.png", PNG_BYTES), profile)


def test_profiles_name_their_types() -> None:
    assert uploads.PROFILES["assessment_report"].allowed == (PDF, DOCX, ODT)
    assert uploads.PROFILES["tracker_evidence"].allowed == (PDF, DOCX, ODT, PNG, JPEG)
    assert uploads.PROFILES["minutes"].allowed == (PDF, DOCX, ODT)
    assert uploads.PROFILES["letter_of_support"].allowed == (PDF, DOCX, ODT)
    assert TRACKER_EVIDENCE.accept_attribute() == ".pdf,.docx,.odt,.png,.jpg,.jpeg"


def test_stored_under_a_server_made_name(media: Path) -> None:
    name = store_upload(upload("Informe final (v2).DOCX.pdf", docx_bytes()), ASSESSMENT_REPORT)
    assert name.startswith("assessments/")
    assert name.endswith(".docx")
    assert len(Path(name).stem) == 32  # a uuid4, in hex
    assert (media / name).read_bytes() == docx_bytes()
    assert stored(media) == [media / name]


def store_two_then_fail(media: Path, second: bytes) -> None:
    with UploadBatch() as batch:
        batch.store(upload("a.pdf", MINIMAL_PDF), ASSESSMENT_REPORT)
        batch.store(upload("b.odt", second), ASSESSMENT_REPORT)
        assert len(stored(media)) == 2
        raise RuntimeError("the business action refused")


def test_a_batch_that_fails_deletes_what_it_stored(media: Path) -> None:
    with pytest.raises(RuntimeError):
        store_two_then_fail(media, odt_bytes())
    assert stored(media) == []


def test_a_batch_whose_second_file_is_refused_keeps_nothing(media: Path) -> None:
    with pytest.raises(ValidationError):
        store_two_then_fail(media, b"<html>")
    assert stored(media) == []


def test_download_is_an_attachment_with_the_stored_type(media: Path) -> None:
    name = store_upload(upload("x.odt", odt_bytes()), ASSESSMENT_REPORT)
    response = download_response(name, filename="../Informe de <inicio>.pdf")
    assert response["Content-Type"] == "application/vnd.oasis.opendocument.text"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Informe_de_inicio.odt" in response["Content-Disposition"]
    assert "/" not in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == odt_bytes()  # type: ignore[arg-type]


@pytest.mark.django_db
def test_no_media_url_serves_uploads(media: Path, client: Client) -> None:
    name = store_upload(upload("x.pdf", MINIMAL_PDF), ASSESSMENT_REPORT)
    for url in (f"/{name}", f"/media/{name}", default_storage.url(name)):
        response = client.get(url if url.startswith("/") else f"/{url}")
        assert response.status_code in {302, 404}
        assert MINIMAL_PDF not in response.content


def test_display_names_drop_directories() -> None:
    assert uploads.display_name("../../etc/passwd", PDF) == "passwd.pdf"
    assert uploads.display_name("C:\\Users\\ana\\informe.docx", DOCX) == "informe.docx"
    assert uploads.display_name("..", PDF) == "document.pdf"
    assert uploads.shown_name("<script>alert(1)</script>.pdf") == "script.pdf"


class ReportForm(forms.Form):
    report = UploadField(profile=ASSESSMENT_REPORT)
    annexes = MultipleUploadField(profile="assessment_annex", max_files=2)


def test_form_fields_validate_and_carry_the_detected_type() -> None:
    files = MultiValueDict(
        {
            "report": [upload("r.odt", MINIMAL_PDF, "application/vnd.oasis.opendocument.text")],
            "annexes": [upload("a.docx", docx_bytes()), upload("b.odt", odt_bytes())],
        }
    )
    form = ReportForm(data={}, files=files)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["report"].detected_type == PDF
    assert [f.detected_type for f in form.cleaned_data["annexes"]] == [DOCX, ODT]
    assert 'accept=".pdf,.docx,.odt"' in str(form["report"])
    assert "multiple" in str(form["annexes"])


def test_form_fields_refuse_hostile_and_too_many_files() -> None:
    files = MultiValueDict(
        {
            "report": [upload("r.pdf", b"<svg onload=alert(1)>")],
            "annexes": [upload("a.pdf", MINIMAL_PDF)] * 3,
        }
    )
    form = ReportForm(data={}, files=files)
    assert not form.is_valid()
    assert "Accepted here: PDF, DOCX or ODT." in form.errors["report"][0]
    assert form.errors["annexes"] == ["At most 2 files can be added here."]


def test_the_validator_deconstructs_for_migrations() -> None:
    validator = UploadValidator("minutes")
    path, args, kwargs = validator.deconstruct()
    assert path == "ogplocal.uploads.UploadValidator"
    assert UploadValidator(*args, **kwargs) == validator
    with pytest.raises(ValidationError):
        validator(upload("m.pdf", b"MZ"))
