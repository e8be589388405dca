"""Build the deterministic national-scale synthetic data set (see assessments.devdata.synthetic).

    python manage.py generate_synthetic --towns 38000 --elements 30 --year 2025 --seed 1
    python manage.py generate_synthetic ... --replace   # delete the previous synthetic set first

Works on the configured database (SQLite by default, PostgreSQL when DATABASE_URL is set).
Progress goes to stderr, the summary to stdout.
"""

from django.core.management.base import BaseCommand, CommandError

from assessments.devdata import synthetic


class Command(BaseCommand):
    help = "生成确定性的全国规模合成数据（合成省/市/区/镇、数据项、四个季度的已审核填报与数值）"

    def add_arguments(self, parser):
        parser.add_argument("--towns", type=int, default=synthetic.NATIONAL["towns"])
        parser.add_argument("--elements", type=int, default=30, help="合成数据项个数（5–99）")
        parser.add_argument("--year", type=int, default=2025)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--replace", action="store_true", help="先删除已有的合成数据（真实数据不受影响）"
        )
        parser.add_argument("--provinces", type=int, help="默认按全国比例由 --towns 推算")
        parser.add_argument("--cities", type=int, help="默认按全国比例由 --towns 推算")
        parser.add_argument("--districts", type=int, help="默认按全国比例由 --towns 推算")
        parser.add_argument(
            "--chunk-rows",
            type=int,
            default=synthetic.DEFAULT_CHUNK_ROWS,
            help="每批写入的数值行数",
        )

    def handle(self, *args, **options):
        def progress(message: str) -> None:
            self.stderr.write(message)
            self.stderr.flush()

        try:
            summary = synthetic.generate(
                towns=options["towns"],
                elements=options["elements"],
                year=options["year"],
                seed=options["seed"],
                replace=options["replace"],
                provinces=options["provinces"],
                cities=options["cities"],
                districts=options["districts"],
                chunk_rows=options["chunk_rows"],
                progress=progress,
            )
        except synthetic.SyntheticDataError as error:
            raise CommandError(str(error)) from error
        for line in summary.lines():
            self.stdout.write(line)
