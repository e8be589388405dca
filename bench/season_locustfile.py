"""Load test of the office's season page (locust): an office opens the summary of its
assessment season (totals, grades, ranks, review progress, objections, log) again and again.

As bench/locustfile.py: loopback hosts only, one shared login, bounded by --users and
--run-time. Environment: DEMO_PASSWORD, BENCH_USER (the season's office), BENCH_SEASON (the
season's id; `bench_season` prints the office and the season it timed).
"""

import os
import re
from urllib.parse import urlsplit

from gevent.lock import Semaphore
from locust import HttpUser, between, task
from locust.exception import StopUser

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SHARED: dict[str, dict] = {}
LOGIN = Semaphore()


class SeasonOffice(HttpUser):
    host = "http://127.0.0.1:8000"
    wait_time = between(0.5, 2.0)

    def on_start(self):
        if urlsplit(self.host).hostname not in LOOPBACK:
            raise StopUser(f"refusing to load {self.host}: loopback addresses only")
        self.path = f"/season/{int(os.environ['BENCH_SEASON'])}/"
        with LOGIN:
            if "cookies" not in SHARED:
                login = self.client.get("/login/", name="/login/")
                token = CSRF.search(login.text)
                if token is None:
                    raise StopUser("no login form")
                self.client.post(
                    "/login/",
                    {
                        "username": os.environ["BENCH_USER"],
                        "password": os.environ["DEMO_PASSWORD"],
                        "csrfmiddlewaretoken": token.group(1),
                    },
                    name="/login/",
                )
                if "sessionid" not in self.client.cookies:
                    raise StopUser("login failed")
                SHARED["cookies"] = self.client.cookies.get_dict()
        self.client.cookies.update(SHARED["cookies"])

    @task
    def season_page(self):
        self.client.get(self.path, name="/season/[id]/")
