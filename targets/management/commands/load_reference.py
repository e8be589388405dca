"""Load the real policies, their regions and departments from fixtures/ (idempotent)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from targets.services import ReferenceDataError, load_reference_data


class Command(BaseCommand):
    help = "载入参考数据：行政区划、部门、三份政策文件及其目标、任务、职责（可重复执行）"

    def add_arguments(self, parser):
        parser.add_argument("--fixtures", default=str(Path(settings.BASE_DIR) / "fixtures"))

    def handle(self, *args, **options):
        try:
            report = load_reference_data(fixtures_dir=Path(options["fixtures"]))
        except ReferenceDataError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"行政区划 {report.regions} 个，部门 {report.departments} 个")
        for doc in report.documents:
            self.stdout.write(
                f"  {doc.key}: 章节 {doc.sections}，目标 {doc.targets}，任务 {doc.tasks}，"
                f"职责 {doc.duties}，领导小组 {doc.leadership_groups}"
            )
