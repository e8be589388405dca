"""Create (or reset) the demo accounts and print them with their password."""

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from portal.services import ensure_demo_accounts, generate_password
from targets.services import read_yaml


class Command(BaseCommand):
    help = "创建或重置演示账号；密码取环境变量 DEMO_PASSWORD，未设置时随机生成并打印"

    def add_arguments(self, parser):
        parser.add_argument(
            "--accounts",
            default=str(Path(settings.BASE_DIR) / "fixtures" / "demo" / "accounts.yaml"),
        )

    def handle(self, *args, **options):
        password = os.environ.get("DEMO_PASSWORD") or generate_password()
        accounts = ensure_demo_accounts(
            accounts=read_yaml(Path(options["accounts"])), password=password
        )
        self.stdout.write("")
        self.stdout.write("演示账号（demo accounts）:")
        for account in accounts:
            self.stdout.write(f"  {account.username:<20} {account.role:<16} {account.label}")
        self.stdout.write(f"  密码 / password: {password}")
        self.stdout.write("")
