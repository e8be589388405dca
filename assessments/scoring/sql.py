"""Reads for the roll-up: set operations in SQL that return small pandas frames.

The bulk of the work is one scan over the year's approved values joined to a small staged
table of the year's approved submissions, grouped in the database: towns are folded into their
parent (a district) straight away, so millions of town figures never leave the database. Plain
SQL that runs the same on SQLite and PostgreSQL; table names come from the models.

A stock (time rule ``last``) takes its value in the region's latest approved quarter of the
year; a survey score (``avg``) is weighted by its weight element in the same submission.
"""

import json
import secrets
from contextlib import contextmanager

import pandas as pd
from django.db import connection, transaction

from assessments.models import (
    AssessmentRun,
    DataElement,
    Period,
    RollupStage,
    Status,
    Submission,
    Value,
)
from portal.models import Region, RegionLevel

# Table names for raw SQL, here and in the dashboard's trend query (each query's aliases are
# local to it).
VALUES = Value._meta.db_table
SUBMISSIONS = Submission._meta.db_table
PERIODS = Period._meta.db_table
REGIONS = Region._meta.db_table
ELEMENTS = DataElement._meta.db_table
STAGE = RollupStage._meta.db_table


def _group_expression(per_region: bool) -> str:
    if per_region:
        return "r.id"
    return f"CASE WHEN r.level = {int(RegionLevel.TOWN)} THEN r.parent_id ELSE r.id END"


def _under(under: Region | list[Region] | None, exact: bool = False) -> tuple[str, list]:
    if under is None:
        return "", []
    if exact:
        regions = under if isinstance(under, list) else [under]
        if not regions:
            return " AND 1 = 0", []
        return f" AND r.id IN ({', '.join(['%s'] * len(regions))})", [r.pk for r in regions]
    return " AND r.path LIKE %s", [under.path + "%"]


WORK_MEM = "256MB"


@contextmanager
def tuned():
    """A transaction whose aggregates may use enough memory not to spill to disk (PostgreSQL's
    default work_mem is 4 MB); the same setting for the roll-up and for its benchmark floor."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
        yield cursor


def _fetch(cursor, sql: str, params: list, columns: list[str]) -> pd.DataFrame:
    cursor.execute(sql, params)
    return pd.DataFrame.from_records(cursor.fetchall(), columns=columns)


PARTIAL_COLUMNS = ["region", "element_id", "sum", "last", "quarters"]
WEIGHTED_COLUMNS = ["region", "element_id", "weighted", "weights", "plain", "n", "quarters"]


def year_figures(
    year: int,
    *,
    under: Region | list[Region] | None = None,
    per_region: bool = False,
    exact: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The partial figures of the year's approved values, per group and element.

    Returns two frames:
    - partials: the sum over the year, the sum of each region's latest-quarter values, and the
      latest quarter seen (columns PARTIAL_COLUMNS);
    - weighted: for averaged elements, Σ value × weight, Σ weight, Σ value and the count
      (columns WEIGHTED_COLUMNS).
    A group is the parent of a town, else the region itself (per region with ``per_region``).
    ``under`` limits the values to a subtree, or with ``exact`` to that region's own entries
    (or those of each region of a list).

    For the whole year the approved submissions are staged first (RollupStage: a few rows per
    region) so that the one scan over the values is a plain join the database can run in
    parallel; the stage rows live only inside this transaction and are rolled back, never
    committed. A subtree or a single region
    (a path re-score) joins its few submissions directly."""
    where, params = _under(under, exact)
    averaged = list(
        DataElement.objects.filter(time_aggregation="avg").values_list("pk", "weight_id")
    )
    submissions = f"""
        SELECT s.id AS submission_id, {_group_expression(per_region)} AS grp, p.quarter,
               CASE WHEN p.quarter = MAX(p.quarter) OVER (PARTITION BY s.region_id)
                    THEN 1 ELSE 0 END AS is_last
        FROM {SUBMISSIONS} s
        JOIN {PERIODS} p ON p.id = s.period_id
        JOIN {REGIONS} r ON r.id = s.region_id
        WHERE p.year = %s AND s.status = %s{where}
    """
    scope_params = [year, Status.APPROVED, *params]
    with tuned() as cursor:
        # Stage rows are never kept: rolling back to this savepoint drops them at no cost
        # (a DELETE would write every row again).
        savepoint = transaction.savepoint()
        if under is None:
            # The whole year: stage the submissions so the scan over values runs in parallel.
            key = secrets.randbits(62)
            cursor.execute(
                f"INSERT INTO {STAGE} (key, submission_id, grp, quarter, is_last) "
                f"SELECT %s, * FROM ({submissions}) x",
                [key, *scope_params],
            )
            if connection.vendor == "postgresql":
                cursor.execute(f"ANALYZE {STAGE}")
            source, source_params = f"(SELECT * FROM {STAGE} WHERE key = %s)", [key]
        else:
            # A subtree or one region: a few submissions, found through the indexes.
            source, source_params = f"({submissions})", scope_params
        partials = _fetch(
            cursor,
            f"""
            SELECT a.grp, v.element_id, CAST(SUM(v.value) AS DOUBLE PRECISION),
                   CAST(SUM(CASE WHEN a.is_last = 1 THEN v.value END) AS DOUBLE PRECISION),
                   MAX(a.quarter)
            FROM {VALUES} v JOIN {source} a ON a.submission_id = v.submission_id
            GROUP BY a.grp, v.element_id
            """,
            source_params,
            PARTIAL_COLUMNS,
        )
        weighted = [
            _fetch(
                cursor,
                f"""
                SELECT a.grp, v.element_id,
                       CAST(SUM(v.value * w.value) AS DOUBLE PRECISION),
                       CAST(SUM(w.value) AS DOUBLE PRECISION),
                       CAST(SUM(v.value) AS DOUBLE PRECISION), COUNT(*), MAX(a.quarter)
                FROM {VALUES} v
                JOIN {source} a ON a.submission_id = v.submission_id
                LEFT JOIN {VALUES} w ON w.submission_id = v.submission_id AND w.element_id = %s
                WHERE v.element_id = %s
                GROUP BY a.grp, v.element_id
                """,
                [*source_params, weight_id or -1, element_id],
                WEIGHTED_COLUMNS,
            )
            for element_id, weight_id in averaged
        ]
        transaction.savepoint_rollback(savepoint)
    if under is None:
        _reclaim_stage()
    # Only frames with rows: an empty one has object columns and would make the others so.
    weighted = [frame for frame in weighted if not frame.empty]
    weighted_frame = (
        pd.concat(weighted, ignore_index=True)
        if weighted
        else pd.DataFrame(columns=WEIGHTED_COLUMNS)
    )
    return partials, weighted_frame


TREE_FIELDS = ["id", "parent_id", "level", "code", "name", "path"]


STAGE_RECLAIM_BYTES = 64 * 1024 * 1024


def _reclaim_stage() -> None:
    """Give back the space of rolled-back stage rows once they fill STAGE_RECLAIM_BYTES
    (PostgreSQL, outside a transaction): a national run leaves ~10 MB of dead rows there, and a
    table that only grows would slow every later scan where autovacuum is off or behind."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_relation_size(%s)", [STAGE])
        if cursor.fetchone()[0] > STAGE_RECLAIM_BYTES:
            cursor.execute(f"VACUUM {STAGE}")


def region_tree(town_ids=()) -> pd.DataFrame:
    """Every region above the town level, and the given towns: the frame the roll-up climbs."""
    regions = Region.objects.exclude(level=RegionLevel.TOWN).values_list(*TREE_FIELDS)
    towns = Region.objects.filter(pk__in=list(town_ids)).values_list(*TREE_FIELDS)
    return _tree_frame([*regions, *towns])


def region_frame(condition) -> pd.DataFrame:
    """The regions matching ``condition`` (a Q), as region_tree lays them out: a path re-score
    reads only the regions it touches, not the whole tree."""
    return _tree_frame(list(Region.objects.filter(condition).values_list(*TREE_FIELDS)))


def _tree_frame(rows: list) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(
        rows, columns=["region", "parent", "level", "code", "name", "path"]
    )
    frame["depth"] = frame["path"].str.count("/") - 1
    frame["parent"] = frame["parent"].astype("Int64")
    return frame.drop_duplicates("region").reset_index(drop=True)


def run_definitions_of(run_id: int, rulebook_id: int) -> dict:
    """One rulebook's definitions as a run recorded them, extracted by the database: a run
    records every rulebook of the year (hundreds at national scale), and reading one of them
    should not parse all of them."""
    table = AssessmentRun._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT definitions::jsonb -> %s FROM {table} WHERE id = %s",
                [str(rulebook_id), run_id],
            )
        else:
            cursor.execute(
                f"SELECT json_extract(definitions, %s) FROM {table} WHERE id = %s",
                [f'$."{int(rulebook_id)}"', run_id],
            )
        row = cursor.fetchone()
    if row is None or row[0] is None:
        return {}
    value = row[0]
    return json.loads(value) if isinstance(value, (str, bytes)) else value
