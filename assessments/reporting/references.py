"""Reference values (全省平均水平) that relative targets compare to, recorded with their source."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from assessments.models import (
    ReferenceValue,
)
from assessments.reporting.errors import ReportingError
from portal.models import Region
from portal.scoping import may_record_reference_for


@transaction.atomic
def record_reference_value(
    *, user, indicator, region: Region, year: int, value: Decimal, source: str
) -> ReferenceValue:
    """An office records a reference figure (全省平均水平) that its relative targets compare to:
    of its own region or a region above it, always with the source it was taken from."""
    if not may_record_reference_for(user, region):
        raise PermissionDenied(_("只有领导小组办公室可以录入本级或上级区划的参照值。"))
    if not (source or "").strip():
        raise ReportingError(_("请注明参照值的来源（如哪一份通报、哪一年）。"))
    if value < 0 or (indicator.unit == "%" and value > 100):
        raise ReportingError(
            _("%(indicator)s的参照值超出合理范围：%(value)s")
            % {"indicator": indicator.name, "value": value}
        )
    if not 1990 <= year <= 2100:
        raise ReportingError(_("年度无效。"))
    reference, _created = ReferenceValue.objects.update_or_create(
        indicator=indicator,
        region=region,
        year=year,
        defaults={"value": value, "source": source.strip()[:255], "entered_by": user},
    )
    return reference
