"""Read a policy document and print its targets and tasks (the reader of targets.reader)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.models import Region
from portal.uploads import UploadRejected
from targets.drafting import department_names, extract_text
from targets.reader import format_table, read_policy


class Command(BaseCommand):
    help = "识别政策文件（.txt/.docx/.pdf）中的文号、发文机关、日期、目标年度、量化目标和任务分工"

    def add_arguments(self, parser):
        parser.add_argument("file", help="政策文件路径")
        parser.add_argument("--json", action="store_true", help="输出一个 JSON 对象")
        parser.add_argument(
            "--region", help="用该区划（代码）及其上下级的部门名单规范部门名称，如 350000"
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        try:
            text = extract_text(path.name, path.read_bytes())
        except UploadRejected as error:
            raise CommandError(str(error)) from error
        departments = []
        if options["region"]:
            region = Region.objects.filter(code=options["region"]).first()
            if region is None:
                raise CommandError(f"区划代码不存在：{options['region']}")
            departments = department_names(region)
        reading = read_policy(text, departments)
        if options["json"]:
            self.stdout.write(json.dumps(reading.as_dict(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(format_table(reading))
