"""Run the yearly assessment in the foreground and print a summary."""

from django.core.management.base import BaseCommand, CommandError

from assessments.models import RegionResult, TargetWarning
from assessments.scoring import lifecycle, runs


class Command(BaseCommand):
    help = "在前台运行年度考核计算（汇总、评分、排名、预警）并打印摘要"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)

    def handle(self, *args, **options):
        year = options["year"]

        def progress(percent: int, message: str) -> None:
            self.stderr.write(f"  {percent:3d}%  {message}")

        try:
            run = runs.run_year(year=year, trigger="command", on_progress=progress)
        except lifecycle.RunInProgress as error:
            raise CommandError(str(error)) from error
        seconds = (run.finished_at - run.started_at).total_seconds()
        self.stdout.write(f"{year}年考核计算 #{run.pk} 完成，用时 {seconds:.2f} 秒")
        self.stdout.write(f"  输入指纹 {run.fingerprint[:16]}…")
        summary = run.summary
        self.stdout.write(
            f"  区划 {summary['regions']} 个，评分细则 {summary['rulebooks']} 份，"
            f"考核结果 {summary['results']} 条，"
            f"红牌 {summary['warnings']['red']} 张，黄牌 {summary['warnings']['yellow']} 张"
        )
        results = RegionResult.objects.filter(run=run).select_related("rulebook", "region")
        for rulebook_id in sorted({r.rulebook_id for r in results})[:10]:
            top = sorted(
                (r for r in results if r.rulebook_id == rulebook_id and r.rank is not None),
                key=lambda r: r.rank,
            )
            if not top:
                continue
            names = "、".join(f"{r.region.name} {r.total}（{r.grade}）" for r in top[:3])
            self.stdout.write(f"  {top[0].rulebook.name}：{names}…")
        for warning in TargetWarning.objects.filter(run=run, level="red")[:5]:
            self.stdout.write(f"  红牌 {warning.message}")
