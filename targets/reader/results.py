"""The public results of the reader: Reading, FoundTarget, FoundTask, and DepartmentName."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DepartmentName:
    """A department of the caller's list: canonical ``name`` and the wordings that mean it."""

    name: str
    aliases: tuple[str, ...] = ()


@dataclass
class FoundTarget:
    """A quantitative target; ``start``/``end`` are the offsets of ``quote`` in the text."""

    indicator: str
    comparator: str
    value: float | None
    unit: str
    horizon_year: int | None
    aspirational: bool
    quote: str
    reference: str = ""
    start: int = 0
    end: int = 0

    def as_dict(self) -> dict:
        data = {
            "indicator": self.indicator,
            "comparator": self.comparator,
            "value": plain_number(self.value),
            "unit": self.unit,
            "horizon_year": self.horizon_year,
            "aspirational": self.aspirational,
            "quote": self.quote,
        }
        if self.value is None:
            data["reference"] = self.reference
        return data


@dataclass
class FoundTask:
    """A task with its lead and cooperating departments (``title`` is its heading, if any)."""

    text: str
    lead: list[str]
    cooperating: list[str]
    start: int = 0
    end: int = 0
    number: str = ""
    title: str = ""

    def as_dict(self) -> dict:
        return {"text": self.text, "lead": list(self.lead), "cooperating": list(self.cooperating)}


@dataclass
class Reading:
    title: str
    doc_number: str
    issuer: str
    issue_date: str | None
    horizon_year: int | None
    targets: list[FoundTarget] = field(default_factory=list)
    tasks: list[FoundTask] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "title": self.title,
            "doc_number": self.doc_number,
            "issuer": self.issuer,
            "issue_date": self.issue_date,
            "horizon_year": self.horizon_year,
            "targets": [target.as_dict() for target in self.targets],
            "tasks": [task.as_dict() for task in self.tasks],
        }


def plain_number(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value
