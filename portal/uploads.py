"""Safety checks for uploaded files, before any parser sees them. Pure: bytes in, verdict out.

Office files (.xlsx, .docx) are zip archives: a small upload can inflate to gigabytes (a zip
bomb). We read the archive's directory, which costs nothing, and refuse what is too big, too
compressed or too many members, before pandas, openpyxl or python-docx open it.
"""

import io
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_RATIO = 100
MAX_MEMBERS = 1000


class UploadRejected(ValueError):
    """An upload refused before parsing; the message is for the user, in their language."""


@dataclass(frozen=True)
class ZipLimits:
    max_uncompressed: int = MAX_UNCOMPRESSED_BYTES
    max_ratio: int = MAX_RATIO
    max_members: int = MAX_MEMBERS


def check_size(data: bytes, limit: int = MAX_UPLOAD_BYTES) -> None:
    if len(data) > limit:
        raise UploadRejected(
            _("文件过大（%(size).1f MB），上限为 %(limit).0f MB。")
            % {"size": len(data) / 1024 / 1024, "limit": limit / 1024 / 1024}
        )
    if not data:
        raise UploadRejected(_("文件是空的。"))


def check_zip(data: bytes, kind: str, limits: ZipLimits = ZipLimits()) -> None:
    """Refuse a file that is not a zip archive, or whose members would inflate too far."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise UploadRejected(_("文件不是有效的 %(kind)s 文件。") % {"kind": kind})
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile as error:
        raise UploadRejected(_("文件不是有效的 %(kind)s 文件。") % {"kind": kind}) from error
    if len(members) > limits.max_members:
        raise UploadRejected(_("文件结构异常（压缩包成员过多），已拒绝。"))
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if ratio > limits.max_ratio and member.file_size > 1024 * 1024:
            raise UploadRejected(_("文件压缩比异常（疑似压缩炸弹），已拒绝。"))
    if total > limits.max_uncompressed:
        raise UploadRejected(_("文件解压后过大，已拒绝。"))
