"""The one validation of every file uploaded to the portal (issue 5, docs/architecture.md).

A file's type is decided by its content — the magic bytes, read by `puremagic`, and for DOCX and
ODT an inspection of the zip archive — never by its name or the type the browser declares. Each use
of uploads has a profile naming the types it accepts. Accepted files are stored through Django's
storage API (the filesystem, or an S3-compatible store through django-storages) under a name the
server makes; the name the person gave is never used as a path. Files are never served from a
public media URL: `download_response` streams them as attachments from views that have checked
access first.

Use:

    detected = validate_upload(file, ASSESSMENT_REPORT)    # raises ValidationError
    with UploadBatch() as batch:                            # outside transaction.atomic
        with transaction.atomic():
            ...business checks...
            row.file.name = batch.store(file, ASSESSMENT_REPORT)
            row.save()
    # an exception anywhere inside the batch deletes the bytes it stored

Forms use `UploadField(profile=...)` (or `MultipleUploadField`), whose cleaned files carry
`.detected_type`.
"""

from __future__ import annotations

import uuid
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from types import TracebackType
from typing import IO, Any

import puremagic
from django import forms
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.base import File
from django.core.files.storage import Storage, default_storage
from django.http import FileResponse
from django.utils.deconstruct import deconstructible
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# 20 MB, as issue 5 says; binary megabytes, the unit file managers show.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# A real document has tens of zip entries (a long one with many pictures, a few hundred) and
# expands to a few times its size; a zip bomb has thousands of entries or expands a hundredfold.
MAX_ARCHIVE_ENTRIES = 1000
MAX_ARCHIVE_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
ZIP_MAGIC = b"PK\x03\x04"
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
DOCX_MAIN_TYPE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main"


@dataclass(frozen=True)
class DetectedType:
    """A type the portal knows, as decided from a file's content."""

    label: str  # what a person calls it: "PDF", "Word document (DOCX)", ...
    extension: str  # the extension of the stored name and of the download, with its dot
    content_type: str  # the Content-Type of the download

    def __str__(self) -> str:
        return self.label


PDF = DetectedType("PDF", ".pdf", "application/pdf")
DOCX = DetectedType(
    "DOCX",
    ".docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)
ODT = DetectedType("ODT", ".odt", "application/vnd.oasis.opendocument.text")
PNG = DetectedType("PNG", ".png", "image/png")
JPEG = DetectedType("JPEG", ".jpg", "image/jpeg")
KNOWN_TYPES: tuple[DetectedType, ...] = (PDF, DOCX, ODT, PNG, JPEG)
_BY_EXTENSION = {known.extension: known for known in KNOWN_TYPES}


@dataclass(frozen=True)
class UploadProfile:
    """One use of uploads: the types it accepts and the storage folder of its files."""

    name: str
    allowed: tuple[DetectedType, ...]
    folder: str
    max_bytes: int = MAX_UPLOAD_BYTES

    def allowed_labels(self) -> str:
        labels = [known.label for known in self.allowed]
        return ", ".join(labels[:-1]) + _(" or ") + labels[-1] if len(labels) > 1 else labels[0]

    def accept_attribute(self) -> str:
        """For `<input type=file accept=...>`: a hint to the browser's picker, never a check."""
        extensions = [known.extension for known in self.allowed]
        if JPEG in self.allowed:
            extensions.append(".jpeg")
        return ",".join(extensions)


DOCUMENTS = (PDF, DOCX, ODT)
ASSESSMENT_REPORT = UploadProfile("assessment_report", DOCUMENTS, "assessments")
ASSESSMENT_ANNEX = UploadProfile("assessment_annex", DOCUMENTS, "assessments")
# Tracker evidence may also be a photo of what was done (issue 5 §3).
TRACKER_EVIDENCE = UploadProfile("tracker_evidence", (*DOCUMENTS, PNG, JPEG), "tracker")
MINUTES = UploadProfile("minutes", DOCUMENTS, "minutes")
LETTER_OF_SUPPORT = UploadProfile("letter_of_support", DOCUMENTS, "letters")
PROFILES: dict[str, UploadProfile] = {
    profile.name: profile
    for profile in (
        ASSESSMENT_REPORT,
        ASSESSMENT_ANNEX,
        TRACKER_EVIDENCE,
        MINUTES,
        LETTER_OF_SUPPORT,
    )
}


def profile_named(profile: UploadProfile | str) -> UploadProfile:
    return profile if isinstance(profile, UploadProfile) else PROFILES[profile]


# --- Detection --------------------------------------------------------------------------------


class _Refused(Exception):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def _rewound(file: IO[bytes] | File[Any]) -> IO[bytes]:
    file.seek(0)
    return file  # type: ignore[return-value]


def _magic_matches(file: IO[bytes]) -> list[Any]:
    try:
        return list(puremagic.magic_stream(_rewound(file)))
    except (puremagic.PureError, ValueError):
        return []
    finally:
        file.seek(0)


def _inspect_zip(file: IO[bytes]) -> DetectedType:
    """DOCX or ODT, from the members of the archive; bounded before anything is decompressed."""
    try:
        with zipfile.ZipFile(_rewound(file)) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ARCHIVE_ENTRIES:
                raise _Refused(
                    _("The document holds too many parts (%(count)d; at most %(limit)d).")
                    % {"count": len(entries), "limit": MAX_ARCHIVE_ENTRIES},
                    "archive_entries",
                )
            # The sizes the archive declares; reading a member stops at its declared size and
            # checks its CRC, so a lying header cannot make us decompress more than this.
            expanded = sum(entry.file_size for entry in entries)
            if expanded > MAX_ARCHIVE_UNCOMPRESSED_BYTES:
                raise _Refused(
                    _("The document expands to more than %(limit)d MB; it is refused.")
                    % {"limit": MAX_ARCHIVE_UNCOMPRESSED_BYTES // (1024 * 1024)},
                    "archive_size",
                )
            names = {entry.filename for entry in entries}
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    mimetype = member.read(200).strip()
                if mimetype == ODT_MIMETYPE:
                    return ODT
                raise _Refused(
                    _(
                        "Only OpenDocument text files (ODT) are accepted, not other OpenDocument "
                        "files."
                    ),
                    "file_type",
                )
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                with archive.open("[Content_Types].xml") as member:
                    content_types = member.read(1024 * 1024)
                macros = "word/vbaProject.bin" in names or b"macroEnabled" in content_types
                if macros or DOCX_MAIN_TYPE not in content_types:
                    raise _Refused(
                        _(
                            "Macro-enabled or template Word files (DOCM, DOTX) are not accepted; "
                            "save the document as DOCX."
                        ),
                        "file_type",
                    )
                return DOCX
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, KeyError):
        raise _Refused(
            _("The document is damaged and cannot be read."), "archive_damaged"
        ) from None
    finally:
        file.seek(0)
    raise _Refused(_("This zip archive is not a DOCX or ODT document."), "file_type")


def _detect(file: IO[bytes]) -> DetectedType | None:
    """The known type of the content, or None. Signatures must sit at the very start."""
    head = _rewound(file).read(8)
    file.seek(0)
    if head.startswith(ZIP_MAGIC):
        return _inspect_zip(file)
    for match in _magic_matches(file):
        if match.offset != 0:
            continue
        if match.mime_type == "application/pdf" and head.startswith(b"%PDF-"):
            return PDF
        if match.mime_type == "image/png":
            return PNG
        if match.mime_type == "image/jpeg":
            return JPEG
    return None


def _description(file: IO[bytes]) -> str:
    """What the content looks like, for the refusal message."""
    matches = _magic_matches(file)
    return str(matches[0].name) if matches else _("an unknown kind of file")


def validate_upload(file: IO[bytes] | File[Any], profile: UploadProfile | str) -> DetectedType:
    """The type of `file` if `profile` accepts it; else ValidationError with a clear message.

    Codes: file_name, file_empty, file_size, file_type; for DOCX and ODT also archive_entries,
    archive_size, archive_damaged.
    """
    profile = profile_named(profile)
    _check_name(getattr(file, "name", None) or "")
    size = _size(file)
    if size == 0:
        raise ValidationError(_("The file is empty."), code="file_empty")
    if size > profile.max_bytes:
        raise ValidationError(
            _("The file is %(size)s; files are at most %(limit)d MB.")
            % {"size": _megabytes(size), "limit": profile.max_bytes // (1024 * 1024)},
            code="file_size",
        )
    stream: IO[bytes] = file  # type: ignore[assignment]
    try:
        detected = _detect(stream)
    except _Refused as refused:
        raise ValidationError(refused.message, code=refused.code) from None
    if detected is None or detected not in profile.allowed:
        what = detected.label if detected is not None else _description(stream)
        raise ValidationError(
            _(
                "By its content this file is: %(what)s (whatever its name says). "
                "Accepted here: %(allowed)s."
            )
            % {"what": what, "allowed": profile.allowed_labels()},
            code="file_type",
        )
    return detected


def _check_name(name: str) -> None:
    """Browsers send a bare file name; a name with a folder or a control character in it was
    made by hand to reach outside the upload folder. It is never used as a path here, but such
    a request is refused rather than quietly repaired."""
    bare = PurePosixPath(name).name
    if "/" in name or "\\" in name or name in {".", ".."} or bare != name or not name.isprintable():
        raise ValidationError(
            _("The file's name may not contain a folder or control characters."),
            code="file_name",
        )


def _size(file: IO[bytes] | File[Any]) -> int:
    size = getattr(file, "size", None)
    if isinstance(size, int):
        return size
    file.seek(0, 2)
    end = file.tell()
    file.seek(0)
    return end


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def type_of_stored(name: str) -> DetectedType:
    """The type of a file stored by this module: its server-made name carries the extension."""
    return _BY_EXTENSION[PurePosixPath(name).suffix.lower()]


def shown_name(original: str, *, limit: int = 120) -> str:
    """The name a person gave, safe to show: its last part only, without any directory
    (`../../etc/passwd`, `C:\\x\\y`) and without characters that mean something to a shell."""
    base = PureWindowsPath(PurePosixPath(original or "").name).name
    try:
        return get_valid_filename(base)[:limit]
    except SuspiciousFileOperation:  # a name that becomes empty, "." or ".."
        return "document"


def display_name(original: str, detected: DetectedType, *, limit: int = 120) -> str:
    """A safe name to download under: `shown_name` of the stem, with the real type's extension."""
    stem = PurePosixPath(shown_name(original, limit=limit)).stem.strip(".")
    return f"{stem[: limit - len(detected.extension)] or 'document'}{detected.extension}"


# --- Storage ----------------------------------------------------------------------------------


def server_name(profile: UploadProfile | str, detected: DetectedType) -> str:
    profile = profile_named(profile)
    return f"{profile.folder}/{uuid.uuid4().hex}{detected.extension}"


class UploadBatch:
    """Stores validated files and deletes them again if the block fails.

    Open it outside `transaction.atomic()` so that a failed commit also removes the bytes: a
    refused upload leaves no row and no stored bytes.
    """

    def __init__(self, storage: Storage | None = None) -> None:
        self.storage = storage or default_storage
        self.stored: list[str] = []

    def __enter__(self) -> UploadBatch:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if kind is not None:
            self.discard()

    def store(
        self,
        file: IO[bytes] | File[Any],
        profile: UploadProfile | str,
        detected: DetectedType | None = None,
    ) -> str:
        """Validate (unless `detected` is given by an earlier validation) and store `file`; the
        stored name, to set as a FileField's `name`."""
        if detected is None:
            detected = validate_upload(file, profile)
        _rewound(file)
        content = file if isinstance(file, File) else File(file)
        name = self.storage.save(server_name(profile, detected), content)
        self.stored.append(name)
        return name

    def discard(self) -> None:
        for name in self.stored:
            self.storage.delete(name)
        self.stored.clear()


def store_upload(file: IO[bytes] | File[Any], profile: UploadProfile | str) -> str:
    """Validate and store one file outside any larger action; the stored name."""
    with UploadBatch() as batch:
        return batch.store(file, profile)


# --- Downloads --------------------------------------------------------------------------------


def download_response(name: str, *, filename: str, storage: Storage | None = None) -> FileResponse:
    """Stream a stored file as an attachment. The caller has already checked access.

    The Content-Type is the type decided at upload (kept in the stored name's extension); the
    download name gets the same extension whatever `filename` says.
    """
    storage = storage or default_storage
    detected = type_of_stored(name)
    response = FileResponse(
        storage.open(name, "rb"),
        as_attachment=True,
        filename=display_name(filename, detected),
        content_type=detected.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


# --- Forms ------------------------------------------------------------------------------------


@deconstructible
class UploadValidator:
    """A validator for model or form file fields: `validators=[UploadValidator("minutes")]`."""

    def __init__(self, profile: UploadProfile | str) -> None:
        self.profile_name = profile_named(profile).name

    def __call__(self, file: File[Any]) -> None:
        validate_upload(file, self.profile_name)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UploadValidator) and other.profile_name == self.profile_name

    def __hash__(self) -> int:
        return hash(self.profile_name)


class UploadField(forms.FileField):
    """A file field checked by `validate_upload`; the cleaned file has `.detected_type`."""

    def __init__(self, *, profile: UploadProfile | str, **kwargs: Any) -> None:
        self.profile = profile_named(profile)
        kwargs.setdefault(
            "help_text",
            _("%(allowed)s, at most %(limit)d MB.")
            % {"allowed": self.profile.allowed_labels(), "limit": self.profile.max_bytes // 2**20},
        )
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs["accept"] = self.profile.accept_attribute()
        return attrs

    def clean(self, data: Any, initial: Any = None) -> Any:
        file = super().clean(data, initial)
        if file and file is not initial:
            file.detected_type = validate_upload(file, self.profile)
        return file


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleUploadField(UploadField):
    """Several files at once (annexes); at most `max_files` of them."""

    widget = MultipleFileInput

    def __init__(self, *, max_files: int, **kwargs: Any) -> None:
        self.max_files = max_files
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files: Sequence[Any] = data if isinstance(data, list | tuple) else [data] if data else []
        if len(files) > self.max_files:
            raise ValidationError(
                ngettext(
                    "At most %(limit)d file can be added here.",
                    "At most %(limit)d files can be added here.",
                    self.max_files,
                )
                % {"limit": self.max_files},
                code="too_many_files",
            )
        if not files and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        cleaned: list[Any] = []
        errors: list[ValidationError] = []
        for file in files:
            try:
                cleaned.append(super().clean(file, initial))
            except ValidationError as error:
                name = shown_name(getattr(file, "name", ""))
                errors.extend(
                    ValidationError(f"{name}: {message}", code=error.code) for message in error
                )
        if errors:
            raise ValidationError(errors)
        return cleaned
