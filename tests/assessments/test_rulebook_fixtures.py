"""The demo rulebooks of the fixtures: built from the policies' targets, and consistent."""

import pytest

from assessments.models import Rulebook
from assessments.scoring.methods import check_total

pytestmark = pytest.mark.django_db


def test_each_demo_rulebook_adds_up_to_its_total():
    books = Rulebook.objects.prefetch_related("items__children")
    assert books.count() == 8  # four scopes, 2025 and 2026
    for book in books:
        leaves = [item for item in book.items.all() if item.method]
        message = check_total(
            [float(i.points) for i in leaves],
            [i.method == "bonus" for i in leaves],
            float(book.total_points),
        )
        assert message is None, f"{book}: {message}"


def test_every_leaf_can_be_measured():
    for book in Rulebook.objects.prefetch_related("items"):
        for item in book.items.all():
            if not item.method:
                assert item.children.exists(), item  # a heading groups leaves
                continue
            assert item.indicator is not None, item
            if item.method in {"met", "proportional", "deduction"}:
                assert item.threshold is not None or item.target is not None, item
            if item.method == "relative":
                assert item.target.measure.reference_region is not None, item


def test_items_come_from_the_targets_of_the_documents():
    fuzhou = Rulebook.objects.get(year=2025, scope__code="350100", level=3)
    keys = {item.target.document.key for item in fuzhou.items.all() if item.target}
    assert keys == {"jinan-2012"}
    tianjin = Rulebook.objects.get(year=2025, scope__code="120000", level=3)
    assert {i.target.code for i in tianjin.items.all() if i.target} >= {"T02", "T03", "T04", "T08"}
    assert [b["grade"] for b in fuzhou.grade_bands] == ["A", "B", "C", "D"]
    assert fuzhou.vetoes.get().min_severity == 3
