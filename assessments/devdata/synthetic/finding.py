"""Finding a synthetic data set: its regions, elements, indicators and submissions."""

from __future__ import annotations

from django.db import models

from assessments.devdata.synthetic.common import ELEMENT_PREFIX, INDICATOR_PREFIX, PREFIX
from assessments.models import (
    DataElement,
    Indicator,
    Submission,
)
from portal.models import Region, RegionLevel


def synthetic_regions() -> models.QuerySet[Region]:
    """Every synthetic region (all levels)."""
    return Region.objects.filter(code__startswith=PREFIX)


def synthetic_regions_root_codes() -> list[str]:
    """The codes of the synthetic provinces in the database ("X01", "X02", …), sorted; empty
    when there is no synthetic data set. A benchmark finds the whole set by these roots."""
    return list(
        synthetic_regions().filter(level=RegionLevel.PROVINCE).order_by("code")
        .values_list("code", flat=True)
    )  # fmt: skip


def synthetic_elements() -> models.QuerySet[DataElement]:
    return DataElement.objects.filter(code__startswith=ELEMENT_PREFIX)


def synthetic_indicators() -> models.QuerySet[Indicator]:
    return Indicator.objects.filter(code__startswith=INDICATOR_PREFIX)


def synthetic_submissions() -> models.QuerySet[Submission]:
    return Submission.objects.filter(region__path__startswith=PREFIX)


def is_synthetic_code(code: str) -> bool:
    return code.startswith(PREFIX)


def exists() -> bool:
    return (
        synthetic_regions().exists()
        or synthetic_elements().exists()
        or synthetic_indicators().exists()
    )
