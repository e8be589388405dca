"""Load the reference data from fixtures/: regions, departments, the real policies, and the
data elements and indicators that measure their targets (idempotent)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from assessments.devdata.reference import load_all_reference
from targets.services import ReferenceDataError


class Command(BaseCommand):
    help = "载入参考数据：行政区划、部门、政策文件及其目标任务、数据项与指标（可重复执行）"

    def add_arguments(self, parser):
        parser.add_argument("--fixtures", default=str(Path(settings.BASE_DIR) / "fixtures"))

    def handle(self, *args, **options):
        fixtures = Path(options["fixtures"])
        try:
            report, measurement = load_all_reference(fixtures_dir=fixtures)
        except ReferenceDataError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"行政区划 {report.regions} 个，部门 {report.departments} 个")
        for doc in report.documents:
            self.stdout.write(
                f"  {doc.key}: 章节 {doc.sections}，目标 {doc.targets}，任务 {doc.tasks}，"
                f"职责 {doc.duties}，领导小组 {doc.leadership_groups}"
            )
        self.stdout.write(
            f"数据项 {measurement.elements} 个，校验规则 {measurement.rules} 条，"
            f"指标 {measurement.indicators} 个，已关联指标的目标 {measurement.measures} 个，"
            f"考核评分细则 {measurement.rulebooks} 份"
        )
        if measurement.unmeasured:
            raise CommandError(f"有 {measurement.unmeasured} 个目标没有关联计量指标")
