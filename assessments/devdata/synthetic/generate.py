"""Generating the data set: the tree, elements, periods, submissions and values, written in bulk in
one transaction (COPY on PostgreSQL, executemany on SQLite)."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as dtime

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from assessments.devdata.synthetic.cleanup import delete_existing
from assessments.devdata.synthetic.common import (
    DEFAULT_CHUNK_ROWS,
    LEVEL_NAMES,
    NATIONAL,
    PREFIX,
    Progress,
    SyntheticDataError,
    SyntheticDataExists,
)
from assessments.devdata.synthetic.elements import create_elements, generate_figures, plan_elements
from assessments.devdata.synthetic.finding import (
    exists,
    synthetic_elements,
    synthetic_regions_root_codes,
)
from assessments.devdata.synthetic.tree import Shape, build_tree, default_shape
from assessments.models import (
    Period,
    Status,
    Submission,
    Value,
)
from portal.bulk import copy_csv, executemany, insert_plan, insert_rows, is_postgres
from portal.models import Region


@dataclass
class Summary:
    provinces: int = 0
    cities: int = 0
    districts: int = 0
    towns: int = 0
    elements: int = 0
    rules: int = 0
    indicators: int = 0
    periods: list[str] = field(default_factory=list)
    submissions: int = 0
    values: int = 0
    seconds: float = 0.0
    database: str = ""
    seed: int = 0
    replaced: bool = False
    deleted: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    root_codes: list[str] = field(default_factory=list)

    @property
    def regions(self) -> int:
        return self.provinces + self.cities + self.districts + self.towns

    def lines(self) -> list[str]:
        lines = [
            f"合成数据（{self.database}，seed {self.seed}）："
            f"省 {self.provinces}，市 {self.cities}，区 {self.districts}，镇 {self.towns}"
            f"（共 {self.regions:,} 个区划）",
            f"数据项 {self.elements} 个，校验规则 {self.rules} 条，指标 {self.indicators} 个，"
            f"填报期 {'、'.join(self.periods)}",
            f"填报 {self.submissions:,} 份，数值 {self.values:,} 行，用时 {self.seconds:.1f} 秒",
        ]
        if self.replaced:
            gone = "，".join(f"{k} {v:,}" for k, v in self.deleted.items() if v)
            lines.append(f"已替换旧的合成数据（删除：{gone or '无'}）")
        if self.timings:
            lines.append(
                "分步用时："
                + "，".join(f"{step} {seconds:.1f}s" for step, seconds in self.timings.items())
            )
        return lines


def _window_seconds(period: Period) -> tuple[int, int]:
    """The entry window as UTC epoch seconds [start, end): local midnights in TIME_ZONE."""
    zone = timezone.get_default_timezone()
    start = timezone.make_aware(datetime.combine(period.opens_on, dtime.min), zone)
    end = timezone.make_aware(
        datetime.combine(period.closes_on + timedelta(days=1), dtime.min), zone
    )
    return int(start.timestamp()), int(end.timestamp())


def _timestamps(seconds: np.ndarray) -> list[str]:
    """UTC epoch seconds as text the database takes for an aware datetime."""
    text = np.datetime_as_string(seconds.astype("datetime64[s]"), unit="s")
    if is_postgres():
        return [f"{t}+00:00" for t in text.tolist()]
    if connection.timezone_name == "UTC":
        # Django keeps aware datetimes in SQLite as naive UTC "YYYY-MM-DD HH:MM:SS".
        return [t.replace("T", " ") for t in text.tolist()]
    adapt = connection.ops.adapt_datetimefield_value
    return [adapt(datetime.fromtimestamp(int(t), tz=UTC)) for t in seconds.tolist()]


def _submission_times(periods: Sequence[Period], towns: int, rng) -> np.ndarray:
    """(towns, 4, 2) epoch seconds: submitted (= first submitted) and decided, both inside the
    window, decided after submitted."""
    out = np.zeros((towns, len(periods), 2), dtype=np.int64)
    for q, period in enumerate(periods):
        start, end = _window_seconds(period)
        width = end - start
        submitted = start + np.floor(rng.uniform(0.0, 0.6, towns) * width).astype(np.int64)
        room = end - 1 - submitted  # > 0.4 × width
        decided = (
            submitted + 1 + np.floor(rng.uniform(0.0, 1.0, towns) * (room - 1)).astype(np.int64)
        )
        out[:, q, 0] = submitted
        out[:, q, 1] = decided
    return out


def _value_chunks(
    submission_ids: np.ndarray, element_ids: np.ndarray, figures: np.ndarray, chunk_rows: int
) -> Iterator[tuple[int, list[int], list[int], list[float]]]:
    """(rows, submission ids, element ids, values) per chunk of whole towns."""
    towns, quarters, m = figures.shape
    per_town = quarters * m
    step = max(1, chunk_rows // per_town)
    for t0 in range(0, towns, step):
        t1 = min(towns, t0 + step)
        n = (t1 - t0) * per_town
        sids = np.repeat(submission_ids[t0:t1].reshape(-1), m)
        eids = np.tile(element_ids, (t1 - t0) * quarters)
        vals = figures[t0:t1].reshape(-1)
        yield n, sids.tolist(), eids.tolist(), vals.tolist()


def _write_values(
    submission_ids: np.ndarray,
    element_ids: np.ndarray,
    figures: np.ndarray,
    chunk_rows: int,
    say: Progress,
) -> int:
    table = Value._meta.db_table
    given = ["submission", "element", "value", "comment"]
    given_columns, other_columns, other_values = insert_plan(Value, given)
    if other_columns:
        # Another field was added to Value; the fast path below writes the four known ones only.
        raise SyntheticDataError(
            f"Value 有新的字段（{', '.join(other_columns)}），合成数据生成器需要更新。"
        )
    total = figures.size
    written = 0
    started = time.perf_counter()
    postgres = is_postgres()
    for n, sids, eids, vals in _value_chunks(submission_ids, element_ids, figures, chunk_rows):
        if postgres:
            # Counts are whole numbers and scores have one decimal: %.10g prints both exactly.
            text = "".join(map("%d,%d,%.10g,\n".__mod__, zip(sids, eids, vals, strict=True)))
            copy_csv(table, given_columns, text)
            del text
        else:
            executemany(table, given_columns, zip(sids, eids, vals, itertools.repeat("")))
        written += n
        elapsed = time.perf_counter() - started
        say(
            f"数值 {written:,}/{total:,} 行（{100 * written / total:.0f}%），"
            f"{elapsed:.1f} 秒，{written / max(elapsed, 1e-9):,.0f} 行/秒"
        )
    return written


def generate(
    *,
    towns: int = NATIONAL["towns"],
    elements: int = 30,
    year: int = 2025,
    seed: int = 1,
    replace: bool = False,
    progress: Progress | None = None,
    provinces: int | None = None,
    cities: int | None = None,
    districts: int | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
) -> Summary:
    """Build the synthetic data set in one transaction; see the module docstring."""
    # Imported here so that selectors (which services uses) may import this module.
    from assessments.reporting import services

    say = progress or (lambda message: None)
    started = time.perf_counter()
    timings: dict[str, float] = {}
    mark = [started]

    def step(name: str) -> None:
        now = time.perf_counter()
        timings[name] = now - mark[0]
        mark[0] = now

    base = default_shape(towns)
    shape = Shape(
        provinces if provinces is not None else base.provinces,
        cities if cities is not None else max(base.cities, provinces or 0),
        districts if districts is not None else max(base.districts, cities or 0),
        towns,
    )
    shape.validate()
    plans = plan_elements(elements)
    tree_seq, figure_seq, time_seq = np.random.SeedSequence(seed).spawn(3)
    tree = build_tree(shape, np.random.default_rng(tree_seq))
    figures = generate_figures(tree, plans, np.random.default_rng(figure_seq))
    step("生成")
    say(f"已生成区划树与 {figures.size:,} 个数值（{timings['生成']:.1f} 秒）")

    summary = Summary(database=connection.vendor, seed=seed, replaced=False)
    with transaction.atomic():
        if exists():
            if not replace:
                raise SyntheticDataExists(
                    f"数据库中已有合成数据（{len(synthetic_regions_root_codes())} 个合成省，"
                    f"{synthetic_elements().count()} 个合成数据项）；如要重新生成，请加 --replace，"
                    "将先删除旧的合成数据（真实数据不受影响）。"
                )
            summary.deleted = delete_existing(say)
            summary.replaced = True
            step("删除旧数据")

        # Regions, level by level: each level needs the ids of the one above.
        paths = tree.paths()
        ids_above: list[int] = []
        for index, codes in enumerate(tree.codes):
            level = index + 1
            parents = tree.parents[index]
            parent_ids = [None] * len(codes) if parents is None else [
                ids_above[p] for p in parents.tolist()
            ]  # fmt: skip
            rows = zip(
                codes, tree.names[index], itertools.repeat(level),
                itertools.repeat(LEVEL_NAMES[level]), parent_ids, paths[index],
            )  # fmt: skip
            columns = ["code", "name", "level", "level_name", "parent", "path"]
            insert_rows(Region, columns, list(rows))
            id_of = dict(
                Region.objects.filter(level=level, code__startswith=PREFIX).values_list(
                    "code", "id"
                )
            )
            ids_above = [id_of[code] for code in codes]
        town_ids = np.array(ids_above, dtype=np.int64)
        summary.provinces, summary.cities, summary.districts, summary.towns = (
            len(codes) for codes in tree.codes
        )
        step("区划")
        say(f"区划 {summary.regions:,} 个已写入（{timings['区划']:.1f} 秒）")

        created, summary.rules, summary.indicators = create_elements(plans)
        summary.elements = len(created)
        periods = services.ensure_periods(year=year)
        summary.periods = [p.label for p in periods]

        # Submissions: one per town and quarter, approved, inside the window.
        times = _submission_times(periods, len(town_ids), np.random.default_rng(time_seq))
        submitted = _timestamps(times[:, :, 0].reshape(-1))
        decided = _timestamps(times[:, :, 1].reshape(-1))
        period_ids = [p.pk for p in periods]
        rows = [
            (region_id, period_id, Status.APPROVED, 1, s, s, d, "", d)
            for (region_id, period_id), s, d in zip(
                itertools.product(town_ids.tolist(), period_ids), submitted, decided, strict=True
            )
        ]
        fields = ["region", "period", "status", "version", "submitted_at", "first_submitted_at",
                  "decided_at", "return_reason", "updated_at"]  # fmt: skip
        insert_rows(Submission, fields, rows)
        summary.submissions = len(rows)
        del rows, submitted, decided
        # Read the ids back in one query and lay them out as (town, quarter).
        found = np.array(
            list(
                Submission.objects.filter(
                    region__code__startswith=PREFIX, period__in=period_ids
                ).values_list("region_id", "period_id", "id")
            ),
            dtype=np.int64,
        ).reshape(-1, 3)
        order = np.argsort(town_ids)
        town_index = order[np.searchsorted(town_ids, found[:, 0], sorter=order)]
        quarter_of = {period_id: q for q, period_id in enumerate(period_ids)}
        quarter_index = np.array([quarter_of[p] for p in found[:, 1].tolist()], dtype=np.int64)
        submission_ids = np.zeros((len(town_ids), len(periods)), dtype=np.int64)
        submission_ids[town_index, quarter_index] = found[:, 2]
        if len(found) != summary.submissions or not submission_ids.all():
            raise SyntheticDataError("读回的合成填报与写入的不一致。")
        step("填报")
        say(f"填报 {summary.submissions:,} 份已写入（{timings['填报']:.1f} 秒）")

        element_ids = np.array([e.pk for e in created], dtype=np.int64)
        summary.values = _write_values(submission_ids, element_ids, figures, chunk_rows, say)
        step("数值")
        if is_postgres():
            # Fresh statistics, so that the first queries on the data set plan well.
            with connection.cursor() as cursor:
                tables = [m._meta.db_table for m in (Region, Submission, Value)]
                cursor.execute(f"ANALYZE {', '.join(map(connection.ops.quote_name, tables))}")
            step("ANALYZE")
    step("提交")
    summary.root_codes = list(tree.codes[0])
    summary.timings = timings
    summary.seconds = time.perf_counter() - started
    return summary
