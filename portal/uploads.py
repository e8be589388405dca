"""Safety checks for uploaded files, before any parser sees them. Pure: bytes in, verdict out.

Office files (.xlsx, .docx) are zip archives: a small upload can inflate to gigabytes (a zip
bomb). We read the archive's directory, which costs nothing, and refuse what is too big, too
compressed or too many members, before pandas, openpyxl or python-docx open it.
"""

import io
import zipfile
from dataclasses import dataclass
from functools import wraps

from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_RATIO = 100
RATIO_CHECK_FROM_BYTES = 1024 * 1024  # a smaller member cannot inflate to much
MAX_MEMBERS = 500  # a workbook or a document has a few dozen parts

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls/.doc, and password-encrypted OOXML
_ZIP_MAGIC = b"PK\x03\x04"


class UploadRejected(ValueError):
    """An upload refused before parsing; the message is for the user, in their language, and
    ``code`` says why for callers that word it their own way ("not_kind": not that format)."""

    def __init__(self, message: str, code: str = "refused"):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class ZipLimits:
    max_uncompressed: int = MAX_UNCOMPRESSED_BYTES
    max_ratio: int = MAX_RATIO
    max_members: int = MAX_MEMBERS
    ratio_from: int = RATIO_CHECK_FROM_BYTES


@dataclass(frozen=True)
class OfficeKind:
    """An Office Open XML format: its name for the user, the part every genuine file of it has (a
    renamed .xlsx is not a .docx), and the legacy format an old or password-protected file of it
    would be."""

    label: str
    part: str
    legacy: str


def xlsx() -> OfficeKind:
    return OfficeKind(_("Excel 工作簿（.xlsx）"), "xl/workbook.xml", _("Excel（.xls）"))


def docx() -> OfficeKind:
    return OfficeKind(_("Word 文档（.docx）"), "word/document.xml", _("Word（.doc）"))


def check_size(data: bytes, limit: int = MAX_UPLOAD_BYTES) -> None:
    if len(data) > limit:
        raise UploadRejected(
            _("文件过大（%(size).1f MB），上限为 %(limit).0f MB。")
            % {"size": len(data) / 1024 / 1024, "limit": limit / 1024 / 1024}
        )
    if not data:
        raise UploadRejected(_("文件是空的。"))


def check_office(data: bytes, kind: OfficeKind, limits: ZipLimits = ZipLimits()) -> None:
    """The one inspection of an Office file (.xlsx, .docx) before any parser opens it, for every
    upload path (workbooks, policy documents, evidence, rulebooks). Python's zipfile stops
    decompressing a member at the size the central directory declares (and fails its CRC check),
    so the declared sizes checked here bound what openpyxl or python-docx will unpack later.
    Refused: a legacy or password-protected file, anything not a zip of that format, too many
    parts, encrypted parts, unusual compression, a zip bomb (a part inflating beyond the ratio, or
    everything beyond the total), and macros."""
    if data.startswith(_OLE2_MAGIC):
        raise UploadRejected(
            _(
                "这是旧版 %(legacy)s 文件或设置了打开密码的文件：请取消密码并“另存为”"
                "%(kind)s后再上传。"
            )
            % {"legacy": kind.legacy, "kind": kind.label}
        )
    not_kind = UploadRejected(_("文件不是 %(kind)s 文件。") % {"kind": kind.label}, "not_kind")
    if not data.startswith(_ZIP_MAGIC):
        raise not_kind
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise UploadRejected(
            _("文件已损坏，无法作为 %(kind)s 打开。") % {"kind": kind.label}
        ) from None
    if len(members) > limits.max_members:
        raise UploadRejected(_("文件结构异常（包含的部件过多），已拒绝。"))
    names = {member.filename for member in members}
    if "[Content_Types].xml" not in names or kind.part not in names:
        raise not_kind
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise UploadRejected(_("文件含有宏，已拒绝。"))
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise UploadRejected(_("文件中有加密的部件，无法读取：请取消加密后另存。"))
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise not_kind
        total += member.file_size
        if member.file_size >= limits.ratio_from and member.file_size > limits.max_ratio * max(
            member.compress_size, 1
        ):
            raise UploadRejected(_("文件结构异常（解压后体积异常庞大），疑似压缩炸弹，已拒绝。"))
    if total > limits.max_uncompressed:
        raise UploadRejected(_("文件结构异常（解压后体积异常庞大），疑似压缩炸弹，已拒绝。"))


# --- The size of an upload, while it streams in -----------------------------------------------


class UploadLimit(FileUploadHandler):
    """Stops reading an uploaded file as soon as it is larger than the limit: the rest of it is
    skipped, never stored, and the view reports the refusal."""

    def __init__(self, max_bytes: int, request=None):
        super().__init__(request)
        self.max_bytes = max_bytes
        self.exceeded = False

    def new_file(self, field_name, file_name, content_type, content_length, *args, **kwargs):
        super().new_file(field_name, file_name, content_type, content_length, *args, **kwargs)
        if content_length is not None and content_length > self.max_bytes:
            self.exceeded = True
            raise SkipFile

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.max_bytes:
            self.exceeded = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


def limited_upload(max_bytes):
    """View decorator: refuse an uploaded file larger than ``max_bytes()`` while it streams in
    (before CSRF reads the body, so the check is installed first and CSRF checked after it).
    The view finds the handler as ``request.upload_limit`` and asks ``too_large``."""

    def decorate(view):
        protected = csrf_protect(view)

        @csrf_exempt
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            handler = UploadLimit(max_bytes(), request)
            try:
                request.upload_handlers.insert(0, handler)
            except AttributeError:  # the body has been read already; sizes are checked after
                pass
            request.upload_limit = handler
            return protected(request, *args, **kwargs)

        return wrapped

    return decorate


def too_large(request, field: str = "files") -> bool:
    """Whether a file of the request was over the limit (skipped while streaming, or read whole
    before the limit was in place)."""
    handler = getattr(request, "upload_limit", None)
    if handler is None:
        return False
    return handler.exceeded or any(f.size > handler.max_bytes for f in request.FILES.getlist(field))
