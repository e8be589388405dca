"""The admin refuses a rulebook that cannot be scored, with the same words as the workbook."""

import json

import pytest
from django.contrib import admin
from django.test import RequestFactory

from assessments.admin import RuleItemInline
from assessments.models import Rulebook

pytestmark = pytest.mark.django_db


def _formset(book, request, change=None):
    """The admin's item formset of ``book``, posted back as it stands, with ``change`` applied
    to the posted values ({(item code, field): value})."""
    formset_class = RuleItemInline(Rulebook, admin.site).get_formset(request, book)
    shown = formset_class(instance=book)
    data = {
        f"{shown.prefix}-TOTAL_FORMS": str(shown.initial_form_count()),
        f"{shown.prefix}-INITIAL_FORMS": str(shown.initial_form_count()),
        f"{shown.prefix}-MIN_NUM_FORMS": "0",
        f"{shown.prefix}-MAX_NUM_FORMS": "1000",
    }
    for form in shown.forms[: shown.initial_form_count()]:
        code = form.instance.code
        for name in form.fields:
            value = (change or {}).get((code, name), form[name].value())
            if value is None:
                continue
            if name == "params" and isinstance(value, dict):
                value = json.dumps(value)
            data[form.add_prefix(name)] = value
    return formset_class(data, instance=book)


@pytest.fixture
def request_(admin_user):
    request = RequestFactory().post("/admin/")
    request.user = admin_user
    return request


def jinan_book():
    return Rulebook.objects.get(scope__code="350111", year=2026, is_current=True)


def test_the_reference_rulebook_passes_as_it_stands(request_):
    formset = _formset(jinan_book(), request_)
    assert formset.is_valid(), formset.non_form_errors()


def test_bands_from_low_to_high_are_refused(request_):
    book = jinan_book()
    book.grade_bands = list(reversed(book.grade_bands))
    formset = _formset(book, request_)
    assert not formset.is_valid()
    assert any("从高到低" in error for error in formset.non_form_errors())


def test_points_that_no_longer_add_up_are_refused(request_):
    book = jinan_book()
    leaf = next(item for item in book.items.all() if item.method and item.method != "bonus")
    formset = _formset(book, request_, {(leaf.code, "points"): str(leaf.points + 3)})
    assert not formset.is_valid()
    assert any("不一致" in error for error in formset.non_form_errors())
