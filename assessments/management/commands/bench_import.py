"""Benchmark the Excel upload path on a realistic file, leaving no data behind.

    python manage.py bench_import --rows 10000 [--json]

Inside one transaction that is rolled back at the end, it creates a synthetic district with
enough synthetic towns to reach N rows of the real town-level data elements, a quarter whose
window is open, earlier submitted quarters (so the soft history check has work to do) and an
official of the district; writes the upload with the template code; then times the whole path
(zip checks, pandas parse, validation, commit) and, for comparison, a bare ``pandas.read_excel``
of the same bytes. Memory: the tracemalloc peak of a separate, traced run, and the growth of the
process's peak resident size (ru_maxrss) over the timed run.

The commit is a savepoint inside the outer transaction, so the final COMMIT's fsync is not in
the time; everything else (every INSERT/UPDATE of values, audit entries and submissions) is.
"""

import cProfile
import gc
import io
import json
import logging
import math
import os
import pstats
import random
import resource
import sys
import time
import tracemalloc
import zlib
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pandas as pd
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from assessments.models import DataElement, Period, Status, Submission, Value
from assessments.reporting import excel_import, excel_template, imports, selectors
from portal import periods
from portal.models import Region, RegionLevel, Role, User

GOAL_ROWS = 10_000
GOAL_SECONDS = 5.0
GOAL_MEMORY_MB = 300.0


class _Rollback(Exception):
    pass


class _QueryCounter:
    """Counts the SQL statements run, by their first word."""

    def __init__(self):
        self.count = 0
        self.kinds: dict[str, int] = {}

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        kind = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else "?"
        self.kinds[kind] = self.kinds.get(kind, 0) + 1
        return execute(sql, params, many, context)


def _maxrss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


class Command(BaseCommand):
    help = "基准测试：Excel 导入 N 行（校验并保存）的耗时与内存，结束后全部回滚，不留数据"

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=10_000, help="导入的数据行数")
        parser.add_argument("--history", type=int, default=4, help="此前已提交的季度数")
        parser.add_argument("--seed", type=int, default=2025)
        parser.add_argument("--json", action="store_true", help="输出一个 JSON 对象")
        parser.add_argument(
            "--profile", action="store_true", help="另外打印校验与保存阶段的 cProfile 热点"
        )

    def handle(self, *args, **options):
        if options["rows"] < 1:
            raise CommandError("--rows 必须大于 0")
        report = {}
        logging.getLogger("assessments.reporting.excel").setLevel(logging.WARNING)
        try:
            with transaction.atomic():
                report = self._run(options)
                raise _Rollback
        except _Rollback:
            pass
        except DatabaseError as error:
            raise CommandError(
                f"数据库不可用或未迁移（先运行 manage.py migrate）：{error}"
            ) from error
        report["left_behind"] = self._leftovers(report)
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False))
        else:
            self._print(report)

    # --- set-up --------------------------------------------------------------------------------

    def _run(self, options) -> dict:
        rows_wanted, rng = options["rows"], random.Random(options["seed"])
        if not DataElement.objects.filter(is_active=True).exists():
            from assessments.devdata.reference import load_all_reference

            load_all_reference(fixtures_dir=Path(settings.BASE_DIR) / "fixtures")
        district, towns, elements = self._regions(rows_wanted)
        period, history = self._periods(options["history"])
        user = User.objects.create(
            username=f"bench-{district.code}-{time.time_ns()}",
            role=Role.REGION_OFFICIAL,
            region=district,
        )
        self._history(towns, elements, history, rng)

        build_started = time.perf_counter()
        rows = excel_template.template_rows(period=period, regions=towns)[:rows_wanted]
        for row in rows:
            row.value = self._figure(row.element_code, row.region_code, rng)
            if rng.random() < 0.05:
                row.comment = rng.choice(["含专项抽查", "=季度合计", "-较上季度减少", "新增企业"])
        self._keep_rules(rows, elements)
        data = excel_template.render_template(rows, period=period, region=district)
        build_seconds = time.perf_counter() - build_started

        # Warm up the readers' imports on a tiny file so that neither measurement pays them.
        pd.read_excel(
            io.BytesIO(excel_template.render_template(rows[:2], period=period, region=district)),
            sheet_name=excel_template.SHEET,
            engine="openpyxl",
            dtype=object,
        )

        # 1. The timed run: the whole upload path, as the view calls it.
        sid = transaction.savepoint()
        gc.collect()
        rss_before = _maxrss_mb()
        started = time.perf_counter()
        result = excel_import.import_workbook(user=user, period=period, data=data)
        seconds = time.perf_counter() - started
        rss_after = _maxrss_mb()
        saved = Value.objects.filter(submission__period=period).count()
        transaction.savepoint_rollback(sid)

        # 2. The same path in stages, counting queries, to see where the time goes.
        sid = transaction.savepoint()
        stages = {}
        queries = _QueryCounter()
        profiler = cProfile.Profile() if options["profile"] else None
        with connection.execute_wrapper(queries):
            t = time.perf_counter()
            excel_import.inspect_archive(data)
            stages["zip_checks"] = time.perf_counter() - t
            t = time.perf_counter()
            import_rows, problems = excel_import.read_rows(data)
            stages["parse"] = time.perf_counter() - t
            assert not problems, problems[:3]
            t = time.perf_counter()
            import_rows, problems = excel_import.outside_scope(user, import_rows)
            stages["scope"] = time.perf_counter() - t
            assert not problems, problems[:3]
            t = time.perf_counter()
            if profiler:
                profiler.enable()
            imports.import_rows(user=user, period=period, rows=import_rows, source="excel")
            if profiler:
                profiler.disable()
            stages["validate_and_commit"] = time.perf_counter() - t
        transaction.savepoint_rollback(sid)
        if profiler:
            text = io.StringIO()
            pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(30)
            self.stderr.write(text.getvalue())

        # 3. Baseline: the bare pandas parse of the same bytes.
        gc.collect()
        started = time.perf_counter()
        frame = pd.read_excel(
            io.BytesIO(data), sheet_name=excel_template.SHEET, engine="openpyxl", dtype=object
        )
        baseline = time.perf_counter() - started
        assert len(frame) == len(rows)
        del frame

        # 4. Memory: a traced run (tracing slows Python down, so it is not the timed one).
        sid = transaction.savepoint()
        gc.collect()
        tracemalloc.start()
        excel_import.import_workbook(user=user, period=period, data=data)
        _, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        transaction.savepoint_rollback(sid)

        memory_mb = max(traced_peak / 1024 / 1024, rss_after - rss_before)
        return {
            "rows": result.rows,
            "regions": result.submissions,
            "elements_per_region": len(elements),
            "changed_figures": result.changed,
            "warnings": len(result.warnings),
            "saved_values": saved,
            "file_kb": round(len(data) / 1024, 1),
            "database": connection.vendor,
            "cpus": os.cpu_count(),
            "seconds": round(seconds, 3),
            "rows_per_second": round(result.rows / seconds),
            "pandas_baseline_seconds": round(baseline, 3),
            "ratio_to_pandas": round(seconds / baseline, 2),
            "stages_seconds": {name: round(value, 3) for name, value in stages.items()},
            "queries": queries.count,
            "queries_by_kind": dict(queries.kinds),
            "tracemalloc_peak_mb": round(traced_peak / 1024 / 1024, 1),
            "ru_maxrss_delta_mb": round(rss_after - rss_before, 1),
            "ru_maxrss_mb": round(rss_after, 1),
            "template_build_seconds": round(build_seconds, 3),
            "goal": {
                "seconds": GOAL_SECONDS,
                "memory_mb": GOAL_MEMORY_MB,
                "rows": GOAL_ROWS,
                # The goal is stated for 10,000 rows; a smaller run neither meets nor misses it.
                "met": (seconds < GOAL_SECONDS and memory_mb < GOAL_MEMORY_MB)
                if result.rows >= GOAL_ROWS
                else None,
            },
            "_marker": {"district": district.code, "period": [period.year, period.quarter]},
        }

    def _regions(self, rows_wanted: int):
        """A synthetic district under a real city (so region-specific elements apply as they
        would), with enough synthetic towns to reach the rows wanted."""
        city = Region.objects.filter(level=RegionLevel.CITY).order_by("path").first()
        if city is None:
            province = Region.objects.create(
                code="990000", name="基准省", level=RegionLevel.PROVINCE, level_name="省"
            )
            city = Region.objects.create(
                code="990100",
                name="基准市",
                level=RegionLevel.CITY,
                level_name="市",
                parent=province,
            )
        taken = set(Region.objects.values_list("code", flat=True))
        code = next(
            (c for c in (f"{city.code[:4]}{n:02d}" for n in range(99, 0, -1)) if c not in taken),
            None,
        )
        if code is None:
            raise CommandError(f"{city.name}下没有空闲的区划代码可用于基准测试")
        district = Region.objects.create(
            code=code, name="基准区", level=RegionLevel.DISTRICT, level_name="区", parent=city
        )
        probe = Region.objects.create(
            code=f"{code}001",
            name="基准镇1",
            level=RegionLevel.TOWN,
            level_name="镇",
            parent=district,
        )
        elements = selectors.elements_for_region(probe)
        if not elements:
            raise CommandError("没有乡级数据项：请先运行 manage.py load_reference")
        count = math.ceil(rows_wanted / len(elements))
        width = 3 if count < 1000 else 6
        probe.code = f"{code}{1:0{width}d}"
        probe.save()
        towns = [probe]
        towns += Region.objects.bulk_create(
            Region(
                code=f"{code}{i:0{width}d}",
                name=f"基准镇{i}",
                level=RegionLevel.TOWN,
                level_name="镇",
                parent=district,
                path=f"{district.path}{code}{i:0{width}d}/",
            )
            for i in range(2, count + 1)
        )
        return district, towns, elements

    def _periods(self, history: int):
        """An open quarter after every existing one, and ``history`` submitted quarters before."""
        latest = Period.objects.order_by("-year").values_list("year", flat=True).first() or 2000
        year = latest + 2 + history // 4
        today = periods.today()
        period = Period.objects.create(
            year=year, quarter=1, opens_on=today - timedelta(days=5), closes_on=today + timedelta(5)
        )
        earlier = []
        y, q = year, 1
        for _ in range(history):
            y, q = (y - 1, 4) if q == 1 else (y, q - 1)
            earlier.append(
                Period.objects.create(
                    year=y, quarter=q, opens_on=today - timedelta(days=400), closes_on=today
                )
            )
        return period, earlier

    def _history(self, towns, elements, periods, rng) -> None:
        if not periods:
            return
        now = timezone.now()
        for period in periods:
            submissions = Submission.objects.bulk_create(
                Submission(
                    region=town,
                    period=period,
                    status=Status.SUBMITTED,
                    version=3,
                    submitted_at=now,
                    first_submitted_at=now,
                )
                for town in towns
            )
            values = []
            for submission, town in zip(submissions, towns, strict=True):
                figures = {e.code: self._figure(e.code, town.code, rng) for e in elements}
                self._clamp(figures, elements)
                values += [
                    Value(submission=submission, element=e, value=figures[e.code]) for e in elements
                ]
            Value.objects.bulk_create(values, batch_size=2000)

    # --- figures -------------------------------------------------------------------------------

    @staticmethod
    def _figure(element_code: str, region_code: str, rng) -> Decimal:
        """A plausible figure: stable per region and element, varying a little per quarter."""
        base = 20 + zlib.crc32(f"{element_code}/{region_code}".encode()) % 180
        if "score" in element_code:
            return Decimal(rng.randint(600, 995)) / 10
        return Decimal(max(0, round(base * rng.uniform(0.8, 1.2))))

    @staticmethod
    def _rules(elements):
        return [(r.left, r.right) for r in selectors.rule_specs(elements)]

    def _clamp(self, figures: dict, elements) -> None:
        """Make the figures obey the hard rules (left ≤ right) and the elements' bounds."""
        rules = self._rules(elements)
        bounds = {e.code: e.max_value for e in elements if e.max_value is not None}
        for _ in range(len(rules) + 1):
            changed = False
            for left, right in rules:
                if left in figures and right in figures and figures[left] > figures[right]:
                    figures[left] = figures[right]
                    changed = True
            if not changed:
                break
        for code, top in bounds.items():
            if code in figures and figures[code] > top:
                figures[code] = top

    def _keep_rules(self, rows, elements) -> None:
        by_region: dict[str, dict] = {}
        for row in rows:
            by_region.setdefault(row.region_code, {})[row.element_code] = row.value
        for figures in by_region.values():
            self._clamp(figures, elements)
        for row in rows:
            row.value = by_region[row.region_code][row.element_code]

    # --- output --------------------------------------------------------------------------------

    @staticmethod
    def _leftovers(report: dict) -> int:
        marker = report.pop("_marker", None)
        if not marker:
            return 0
        return Region.objects.filter(code__startswith=marker["district"]).count() + (
            Period.objects.filter(year=marker["period"][0], quarter=marker["period"][1]).count()
        )

    def _print(self, r: dict) -> None:
        out = self.stdout.write
        out(
            f"导入 {r['rows']} 行（{r['regions']} 个乡镇 × {r['elements_per_region']} 个数据项，"
            f"文件 {r['file_kb']} KB），数据库 {r['database']}，CPU {r['cpus']} 核"
        )
        out(
            f"整条路径（压缩包检查 + pandas 解析 + 校验 + 保存）：{r['seconds']:.3f} 秒，"
            f"{r['rows_per_second']} 行/秒"
        )
        out(
            f"基线（仅 pandas.read_excel 同一文件）：{r['pandas_baseline_seconds']:.3f} 秒，"
            f"整条路径为基线的 {r['ratio_to_pandas']} 倍"
        )
        stages = "，".join(f"{k} {v:.3f} 秒" for k, v in r["stages_seconds"].items())
        kinds = "，".join(f"{k} {v}" for k, v in sorted(r["queries_by_kind"].items()))
        out(f"分段：{stages}；SQL 语句 {r['queries']} 条（{kinds}）")
        out(
            f"内存：tracemalloc 峰值 {r['tracemalloc_peak_mb']} MB，ru_maxrss 增长 "
            f"{r['ru_maxrss_delta_mb']} MB（进程峰值 {r['ru_maxrss_mb']} MB）"
        )
        out(
            f"结果：修改 {r['changed_figures']} 个数值，提示 {r['warnings']} 条；"
            f"已回滚，残留数据 {r['left_behind']} 条"
        )
        goal = r["goal"]
        verdict = {True: "达到", False: "未达到", None: "不适用（行数不足）"}[goal["met"]]
        out(
            f"目标（{goal['rows']} 行 {goal['seconds']:g} 秒内、{goal['memory_mb']:g} MB 以内）："
            f"{verdict}"
        )
