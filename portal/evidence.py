"""The check of an evidence file before it is stored (pure): type by content, size, archives.
Every file that backs a claim (a department's progress, a unit's self-assessment, an objection)
is checked here, with the same words."""

import hashlib
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from portal.uploads import UploadRejected, ZipLimits, check_office, docx, xlsx


class EvidenceRejected(ValueError):
    """An evidence file refused before anything is stored; the message is for the user."""


@dataclass(frozen=True)
class EvidenceType:
    content_type: str
    label: str


WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXCEL = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EVIDENCE_TYPES = {
    ".pdf": EvidenceType("application/pdf", "PDF"),
    ".docx": EvidenceType(WORD, "Word"),
    ".xlsx": EvidenceType(EXCEL, "Excel"),
    ".jpg": EvidenceType("image/jpeg", "JPEG"),
    ".jpeg": EvidenceType("image/jpeg", "JPEG"),
    ".png": EvidenceType("image/png", "PNG"),
}
_MAGIC = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    WORD: (b"PK\x03\x04",),
    EXCEL: (b"PK\x03\x04",),
}
# Office files are inspected as every upload is (portal.uploads.check_office).
_OFFICE_FORMAT = {WORD: docx, EXCEL: xlsx}


@dataclass(frozen=True)
class Upload:
    """An uploaded file as the services see it: the name the user gave and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class CheckedEvidence:
    name: str
    extension: str
    content_type: str
    size: int
    sha256: str


def display_name(name: str) -> str:
    """The uploaded file's own name, reduced to something safe to show and to offer on download:
    no folders, no control characters, at most 120 characters (the extension kept)."""
    base = PurePath((name or "").replace("\\", "/")).name
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip().strip(".")
    if len(base) > 120:
        suffix = PurePath(base).suffix[:10]
        base = base[: 120 - len(suffix)] + suffix
    return base or _("附件")


def check_evidence(name: str, data: bytes, *, max_bytes: int, limits: ZipLimits) -> CheckedEvidence:
    """Refuse a file of the wrong type (by its extension AND its content), too big, empty, a zip
    bomb or an Office file with macros. The message names the file and says why, in Chinese."""
    shown = display_name(name)
    extension = PurePath(shown).suffix.lower()
    kind = EVIDENCE_TYPES.get(extension)
    if kind is None:
        raise EvidenceRejected(
            _("“%(name)s”的类型不受支持，只接受 %(types)s 文件。")
            % {"name": shown, "types": "PDF、Word（.docx）、Excel（.xlsx）、JPG、PNG"}
        )
    if not data:
        raise EvidenceRejected(_("“%(name)s”是空文件。") % {"name": shown})
    if len(data) > max_bytes:
        raise EvidenceRejected(
            _("“%(name)s”过大（%(size).1f MB），单个文件上限为 %(limit)g MB。")
            % {"name": shown, "size": len(data) / 1024 / 1024, "limit": max_bytes / 1024 / 1024}
        )
    if not data.startswith(_MAGIC[kind.content_type]):
        raise EvidenceRejected(
            _("“%(name)s”的内容不是 %(kind)s 文件，与扩展名不符，已拒绝。")
            % {"name": shown, "kind": kind.label}
        )
    if kind.content_type in _OFFICE_FORMAT:
        _check_office(shown, data, kind, limits)
    return CheckedEvidence(
        name=shown,
        extension=".jpg" if extension == ".jpeg" else extension,
        content_type=kind.content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _check_office(shown: str, data: bytes, kind: EvidenceType, limits: ZipLimits) -> None:
    try:
        check_office(data, _OFFICE_FORMAT[kind.content_type](), limits)
    except UploadRejected as error:
        if error.code == "not_kind":
            raise EvidenceRejected(
                _("“%(name)s”的内容不是 %(kind)s 文件，与扩展名不符，已拒绝。")
                % {"name": shown, "kind": kind.label}
            ) from error
        raise EvidenceRejected(
            _("“%(name)s”：%(problem)s") % {"name": shown, "problem": error}
        ) from error


def evidence_limits() -> ZipLimits:
    return ZipLimits(
        max_uncompressed=int(getattr(settings, "EVIDENCE_MAX_UNCOMPRESSED_BYTES", 50 * 1024 * 1024))
    )


def max_file_bytes() -> int:
    """The size limit of one evidence file (settings.EVIDENCE_MAX_BYTES)."""
    return int(getattr(settings, "EVIDENCE_MAX_BYTES", 10 * 1024 * 1024))


def oversize_message() -> str:
    """What the user reads when a file was over the limit and nothing was saved."""
    return _("文件过大，单个文件上限为 %(max)g MB；没有保存任何内容。") % {
        "max": max_file_bytes() / 1024 / 1024
    }


def check_all(files) -> list[tuple[CheckedEvidence, bytes]]:
    """Every upload (objects with ``name`` and ``data``) checked before any is stored; the first
    refused one raises EvidenceRejected."""
    limits, max_bytes = evidence_limits(), max_file_bytes()
    return [
        (check_evidence(f.name, f.data, max_bytes=max_bytes, limits=limits), f.data) for f in files
    ]


class StoredFiles:
    """Writes checked files under generated names (the user's name never reaches the file
    system) and, used as a context manager around the transaction that records them, removes
    them again when it fails: nothing is half-saved."""

    def __init__(self):
        self.names: list[str] = []

    def save(self, row, evidence: CheckedEvidence, data: bytes):
        """Fill a file row (name, type, size, digest) from its check, write it, save the row."""
        row.name, row.content_type = evidence.name, evidence.content_type
        row.size, row.sha256 = evidence.size, evidence.sha256
        row.file.save(f"{uuid.uuid4().hex}{evidence.extension}", ContentFile(data), save=False)
        self.names.append(row.file.name)
        row.save()
        return row

    def __enter__(self):
        return self

    def __exit__(self, kind, error, trace):
        if kind is not None:
            for name in self.names:
                default_storage.delete(name)
        return False
