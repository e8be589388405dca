"""Limits of an Excel upload, told to the user by the template and enforced by the import."""

from django.conf import settings

# Upload limits; each one can be overridden in settings under the name in brackets.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # [EXCEL_MAX_UPLOAD_BYTES] the file as uploaded
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024  # [EXCEL_MAX_UNCOMPRESSED_BYTES] all members unpacked
MAX_COMPRESSION_RATIO = 100  # [EXCEL_MAX_COMPRESSION_RATIO] of any member worth checking
RATIO_CHECK_FROM_BYTES = 1024 * 1024  # [EXCEL_RATIO_CHECK_FROM_BYTES] smaller members can't bomb
MAX_ZIP_MEMBERS = 500  # [EXCEL_MAX_ZIP_MEMBERS] a template has about a dozen
MAX_ROWS = 50_000  # [EXCEL_MAX_ROWS] a province's quarter of every town is about 35,000 rows


def limit(name: str) -> int:
    """An upload limit: ``settings.EXCEL_<NAME>`` when set, otherwise the default above."""
    return int(getattr(settings, f"EXCEL_{name}", globals()[name]))
