"""Demo set-up for `make demo`: peer regions, demo accounts and two years of quarterly data."""

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from assessments.devdata.demo import generate_demo_data
from assessments.devdata.season_demo import seed_seasons
from assessments.models import Rulebook
from assessments.scoring import publications, runs
from portal import periods
from portal.models import Role, User
from portal.services import (
    ensure_demo_accounts,
    generate_password,
    upsert_departments,
    upsert_regions,
)
from targets.services import read_yaml


class Command(BaseCommand):
    help = (
        "创建演示区划、演示账号（密码取环境变量 DEMO_PASSWORD，未设置时随机生成并打印）"
        "和两年的季度演示数据"
    )

    def add_arguments(self, parser):
        demo = Path(settings.BASE_DIR) / "fixtures" / "demo"
        parser.add_argument("--accounts", default=str(demo / "accounts.yaml"))
        parser.add_argument("--regions", default=str(demo / "regions.yaml"))
        parser.add_argument("--departments", default=str(demo / "departments.yaml"))
        parser.add_argument("--seasons", default=str(demo / "season.yaml"))
        parser.add_argument("--no-data", action="store_true", help="只创建账号，不生成季度数据")

    def handle(self, *args, **options):
        upsert_regions(tree=read_yaml(Path(options["regions"])))
        upsert_departments(groups=read_yaml(Path(options["departments"])))
        password = os.environ.get("DEMO_PASSWORD") or generate_password()
        accounts = ensure_demo_accounts(
            accounts=read_yaml(Path(options["accounts"])), password=password
        )
        if not options["no_data"]:
            report = generate_demo_data(today=periods.today())
            if report.skipped:
                self.stdout.write("季度数据已存在，未重新生成。")
            else:
                states = "，".join(f"{k} {v}" for k, v in sorted(report.statuses.items()))
                self.stdout.write(
                    f"季度演示数据：{report.periods[0]}–{report.periods[-1]}，"
                    f"填报 {report.submissions} 份，数值 {report.values} 个（{states}）"
                )
                for season in seed_seasons(path=Path(options["seasons"]), today=periods.today()):
                    self.stdout.write(
                        f"考核季：{season.rulebook}，{season.units.count()} 个被考核单位，"
                        f"当前阶段 {season.get_stage_display()}"
                    )
                for year in sorted({int(label[:4]) for label in report.periods}):
                    run = runs.run_year(year=year, trigger="demo")
                    self.stdout.write(
                        f"{year}年考核计算完成：考核结果 {run.summary['results']} 条，"
                        f"红牌 {run.summary['warnings']['red']}，"
                        f"黄牌 {run.summary['warnings']['yellow']}"
                    )
                    if year < periods.today().year:
                        self._publish(year)
        self.stdout.write("")
        self.stdout.write("演示账号（demo accounts）:")
        for account in accounts:
            self.stdout.write(f"  {account.username:<20} {account.role:<16} {account.label}")
        self.stdout.write(f"  密码 / password: {password}")
        self.stdout.write("")

    def _publish(self, year: int) -> None:
        """A past year's results are published by each rulebook's own office, as it would have
        done at the year's end (flags confirmed), so the demo shows signed results beside the
        current year's provisional ones."""
        for book in Rulebook.objects.filter(year=year, is_current=True).select_related("scope"):
            office = User.objects.filter(role=Role.OFFICE, region=book.scope).first()
            try:
                publications.publish(rulebook=book, user=office, confirm_flags=True)
            except publications.PublishRefused as refused:
                self.stdout.write(f"  {book} 未发布：{refused}")
            else:
                self.stdout.write(f"  已发布 {book}")
