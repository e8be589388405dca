"""Cut a document's text into segments so that marked passages can be shown where they stand.

Pure: no ORM. Spans may overlap (several targets share one sentence); each segment carries
every mark that covers it.
"""

from dataclasses import dataclass, field
from itertools import pairwise


@dataclass(frozen=True)
class Mark:
    kind: str  # "target" or "task" or "duty"
    ident: str
    start: int
    end: int


@dataclass
class Segment:
    text: str
    marks: list[Mark] = field(default_factory=list)

    @property
    def kinds(self) -> list[str]:
        return sorted({mark.kind for mark in self.marks})


def segment(text: str, marks: list[Mark]) -> list[Segment]:
    """Split ``text`` at every mark boundary; segments without marks carry an empty list."""
    cuts = {0, len(text)}
    for mark in marks:
        if 0 <= mark.start < mark.end <= len(text):
            cuts.update((mark.start, mark.end))
    points = sorted(cuts)
    segments = []
    for start, end in pairwise(points):
        covering = [m for m in marks if m.start <= start and end <= m.end]
        segments.append(Segment(text=text[start:end], marks=covering))
    return segments


def find_mark(text: str, kind: str, ident: str, fragment: str) -> Mark | None:
    """A mark over the first occurrence of ``fragment``, or None when it is not in the text."""
    start = text.find(fragment) if fragment else -1
    if start < 0:
        return None
    return Mark(kind=kind, ident=ident, start=start, end=start + len(fragment))
