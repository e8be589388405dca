"""Deleting a previous synthetic data set, refusing when real rows point at it."""

from __future__ import annotations

import time

from django.db import connection, models

from assessments.devdata.synthetic.common import Progress, SyntheticDataError
from assessments.devdata.synthetic.finding import (
    synthetic_elements,
    synthetic_indicators,
    synthetic_regions,
    synthetic_submissions,
)
from assessments.models import (
    DataElement,
    Indicator,
    Submission,
    Value,
)
from portal.models import Region


def _add(deleted: dict[str, int], by_model: dict[str, int]) -> None:
    for label, count in by_model.items():
        if count:
            deleted[label] = deleted.get(label, 0) + count


def _refers_to(rel, queryset) -> models.QuerySet:
    return rel.related_model._base_manager.filter(**{f"{rel.field.name}__in": queryset})


def _clear_references(model, queryset, skip: set, deleted: dict[str, int]) -> None:
    """Rows of other tables pointing at ``queryset``: delete those that cascade, null those set
    to null, refuse (SyntheticDataError) when protected rows exist."""
    for rel in model._meta.related_objects:
        if rel.field in skip:
            continue
        rows = _refers_to(rel, queryset)
        label = rel.related_model._meta.label
        if rel.many_to_many:
            if rows.exists():
                raise SyntheticDataError(
                    f"{label}.{rel.field.name} 关联了合成数据，请先解除关联后再替换。"
                )
        elif rel.on_delete is models.CASCADE:
            _add(deleted, _delete(rows))
        elif rel.on_delete is models.SET_NULL:
            rows.update(**{rel.field.name: None})
        elif rows.exists():
            raise SyntheticDataError(
                f"有 {rows.count()} 条{rel.related_model._meta.verbose_name}（{label}）引用了"
                f"合成数据（{model._meta.verbose_name}），不能自动删除；请先删除或改掉它们再替换。"
            )


def _delete(queryset) -> dict[str, int]:
    """Delete through the ORM (cascades included); protected rows become a clear refusal."""
    try:
        return queryset.delete()[1]
    except (models.ProtectedError, models.RestrictedError) as error:
        blocking = sorted({obj._meta.label for obj in error.args[1]})
        raise SyntheticDataError(
            f"{'、'.join(blocking)} 中有数据引用了合成数据，不能自动删除；"
            "请先删除或改掉它们再替换。"
        ) from error


def _sql_of(queryset) -> tuple[str, tuple]:
    sql, params = queryset.query.sql_with_params()
    return sql, tuple(params)


def delete_existing(progress: Progress | None = None) -> dict[str, int]:
    """Remove the synthetic data set (call inside a transaction); returns rows deleted by table."""
    say = progress or (lambda message: None)
    deleted: dict[str, int] = {}
    started = time.perf_counter()
    regions = synthetic_regions()
    submissions = synthetic_submissions()
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        _clear_references(Submission, submissions, {Value._meta.get_field("submission")}, deleted)
        sub_sql, sub_params = _sql_of(submissions.values("pk"))
        cursor.execute(
            f"DELETE FROM {qn(Value._meta.db_table)} "
            f"WHERE {qn(Value._meta.get_field('submission').column)} IN ({sub_sql})",
            sub_params,
        )
        deleted[Value._meta.label] = max(cursor.rowcount, 0)
        say(f"已删除旧的合成数值 {deleted[Value._meta.label]:,} 行")
        cursor.execute(
            f"DELETE FROM {qn(Submission._meta.db_table)} WHERE {qn('id')} IN ({sub_sql})",
            sub_params,
        )
        deleted[Submission._meta.label] = max(cursor.rowcount, 0)

        region_skip = {Region._meta.get_field("parent"), Submission._meta.get_field("region")}
        _clear_references(Region, regions, region_skip, deleted)
        indicators = synthetic_indicators()
        _clear_references(Indicator, indicators, set(), deleted)
        _add(deleted, _delete(indicators))
        elements = synthetic_elements()
        element_skip = {DataElement._meta.get_field("weight")}
        _clear_references(DataElement, elements, element_skip, deleted)
        elements.update(weight=None)  # the score's weight is one of them
        _add(deleted, _delete(elements))

        region_sql, region_params = _sql_of(regions.values("pk"))
        # One statement: the self-reference (parent) is checked at commit, all gone by then.
        cursor.execute(
            f"DELETE FROM {qn(Region._meta.db_table)} WHERE {qn('id')} IN ({region_sql})",
            region_params,
        )
        deleted[Region._meta.label] = max(cursor.rowcount, 0)
    say(f"旧的合成数据已删除（{time.perf_counter() - started:.1f} 秒）")
    return deleted
