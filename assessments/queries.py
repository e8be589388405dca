"""Reads for the roll-up: set operations in SQL that return small pandas frames.

The bulk of the work is one scan over the year's approved values, grouped in the database:
towns are folded into their parent (a district) straight away, so millions of town figures never
leave the database. Plain SQL (CTE-free, window-free) that runs the same on SQLite and
PostgreSQL; table names come from the models.

A stock (time rule ``last``) takes its value in the region's latest approved quarter of the
year; a survey score (``avg``) is weighted by its weight element in the same submission.
"""

import pandas as pd
from django.db import connection

from assessments.models import DataElement, Period, Status, Submission, Value
from portal.models import Region, RegionLevel

V, S, P, R = (m._meta.db_table for m in (Value, Submission, Period, Region))
E = DataElement._meta.db_table


def _group_expression(per_region: bool) -> str:
    if per_region:
        return "r.id"
    return f"CASE WHEN r.level = {int(RegionLevel.TOWN)} THEN r.parent_id ELSE r.id END"


def _under(under: Region | None, exact: bool = False) -> tuple[str, list]:
    if under is None:
        return "", []
    if exact:
        return " AND r.id = %s", [under.pk]
    return " AND r.path LIKE %s", [under.path + "%"]


def _frame(sql: str, params: list, columns: list[str]) -> pd.DataFrame:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return pd.DataFrame.from_records(rows, columns=columns)


def partial_figures(
    year: int, *, under: Region | None = None, per_region: bool = False, exact: bool = False
):
    """Per group (the parent of a town, else the region itself) and element: the sum over the
    year, the sum of each region's latest-quarter values, and the latest quarter seen. ``under``
    limits it to a subtree, or with ``exact`` to that one region's own entries."""
    group = _group_expression(per_region)
    where, params = _under(under, exact)
    sql = f"""
        SELECT {group} AS grp, v.element_id,
               SUM(v.value),
               SUM(CASE WHEN p.quarter = m.last_quarter THEN v.value END),
               MAX(p.quarter)
        FROM {V} v
        JOIN {S} s ON s.id = v.submission_id
        JOIN {P} p ON p.id = s.period_id
        JOIN {R} r ON r.id = s.region_id
        JOIN (SELECT s2.region_id, MAX(p2.quarter) AS last_quarter
              FROM {S} s2 JOIN {P} p2 ON p2.id = s2.period_id
              WHERE p2.year = %s AND s2.status = %s
              GROUP BY s2.region_id) m ON m.region_id = s.region_id
        WHERE p.year = %s AND s.status = %s{where}
        GROUP BY {group}, v.element_id
    """
    return _frame(
        sql,
        [year, Status.APPROVED, year, Status.APPROVED, *params],
        ["region", "element_id", "sum", "last", "quarters"],
    )


def weighted_figures(
    year: int, *, under: Region | None = None, per_region: bool = False, exact: bool = False
):
    """Per group and averaged element: Σ value × weight, Σ weight, Σ value and count."""
    group = _group_expression(per_region)
    where, params = _under(under, exact)
    sql = f"""
        SELECT {group} AS grp, v.element_id,
               SUM(v.value * w.value), SUM(w.value), SUM(v.value), COUNT(*), MAX(p.quarter)
        FROM {V} v
        JOIN {E} e ON e.id = v.element_id AND e.time_aggregation = 'avg'
        JOIN {S} s ON s.id = v.submission_id
        JOIN {P} p ON p.id = s.period_id
        JOIN {R} r ON r.id = s.region_id
        LEFT JOIN {V} w ON w.submission_id = v.submission_id AND w.element_id = e.weight_id
        WHERE p.year = %s AND s.status = %s{where}
        GROUP BY {group}, v.element_id
    """
    return _frame(
        sql,
        [year, Status.APPROVED, *params],
        ["region", "element_id", "weighted", "weights", "plain", "n", "quarters"],
    )


def region_tree(town_ids=()) -> pd.DataFrame:
    """Every region above the town level, and the given towns: the frame the roll-up climbs."""
    columns = ["id", "parent_id", "level", "code", "name", "path"]
    regions = Region.objects.exclude(level=RegionLevel.TOWN).values_list(*columns)
    towns = Region.objects.filter(pk__in=list(town_ids)).values_list(*columns)
    frame = pd.DataFrame.from_records(
        [*regions, *towns], columns=["region", "parent", "level", "code", "name", "path"]
    )
    frame["depth"] = frame["path"].str.count("/") - 1
    frame["parent"] = frame["parent"].astype("Int64")
    return frame.drop_duplicates("region").reset_index(drop=True)
