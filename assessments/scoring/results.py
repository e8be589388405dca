"""The results a reader sees: a rulebook's published results where the office has published them
(the latest publication, a correction replacing what it corrects), else the latest run's results
as a provisional computation (试算). Every page, export and API that shows scores reads here."""

from dataclasses import dataclass

from django.db.models import F, QuerySet

from assessments.models import Publication, PublishedResult, RegionResult, Rulebook, Subject
from portal.models import Region


@dataclass
class Shown:
    """What readers see of one rulebook: the version scored, the publication (None while
    provisional) and the results, best first, those not assessed (未参评) last."""

    rulebook: Rulebook
    publication: Publication | None
    results: list

    @property
    def provisional(self) -> bool:
        return self.publication is None


def _ordered(queryset: QuerySet) -> QuerySet:
    return queryset.order_by(F("rank").asc(nulls_last=True), "region__path")


def current_publications(books) -> dict[tuple, Publication]:
    """The latest publication of each (year, scope, level) among ``books`` (any version)."""
    keys = {(b.year, b.scope_id, b.level) for b in books}
    if not keys:
        return {}
    found = (
        Publication.objects.filter(
            year__in={k[0] for k in keys}, rulebook__scope__in={k[1] for k in keys}
        )
        .select_related("rulebook", "published_by")
        .order_by("number", "pk")
    )
    latest = {}
    for publication in found:
        book = publication.rulebook
        key = (book.year, book.scope_id, book.level)
        if key in keys:
            latest[key] = publication  # ordered by number: the last one wins
    return latest


def shown(books: list[Rulebook], region: Region | None = None) -> list[Shown]:
    """What readers see of each rulebook (current versions, in the given order); with
    ``region``, only that region's result of each."""
    publications = current_publications(books)
    published: dict[int, list] = {p.pk: [] for p in publications.values()}
    only = {"region": region} if region is not None else {}
    for result in _ordered(
        PublishedResult.objects.filter(publication__in=list(published), **only).select_related(
            "region", "publication__rulebook"
        )
    ):
        published[result.publication_id].append(result)
    working_books = [b for b in books if (b.year, b.scope_id, b.level) not in publications]
    working: dict[int, list] = {b.pk: [] for b in working_books}
    for result in _ordered(
        RegionResult.objects.filter(rulebook__in=working_books, **only).select_related(
            "region", "run"
        )
    ):
        working[result.rulebook_id].append(result)
    out = []
    for book in books:
        publication = publications.get((book.year, book.scope_id, book.level))
        if publication is not None:
            out.append(Shown(publication.rulebook, publication, published[publication.pk]))
        else:
            out.append(Shown(book, None, working[book.pk]))
    return out


def shown_for(book: Rulebook) -> Shown:
    return shown([book])[0]


def own_results(*, region: Region, year: int) -> list:
    """The region's result in each rulebook that scores it (a town in its district's, a district
    in its city's): published where published, else provisional (``provisional`` on each)."""
    books = list(
        Rulebook.objects.filter(
            year=year,
            is_current=True,
            subject=Subject.REGIONS,
            level=region.level,
            scope__in=region.ancestors(),
        )
        .select_related("scope")
        .order_by("level", "pk")
    )
    found = []
    for view in shown(books, region=region):
        for result in view.results:
            result.provisional = view.provisional
            result.shown_rulebook = view.rulebook
            found.append(result)
    return found


def publication_results(publication: Publication) -> list[PublishedResult]:
    return list(_ordered(publication.results.select_related("region", "department")))
