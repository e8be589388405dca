"""Load test of the office dashboard (locust): an office user logs in, opens its dashboard,
drills down one level, filters the targets and reads the data endpoints.

The simulated users share ONE login (the first one logs in, the others reuse its session):
offices keep their sessions for the day, and 50 password hashes in the first seconds would
measure PBKDF2, not the dashboard. Set BENCH_LOGIN_EACH=1 to have every user log in.

Only ever against a server on this machine (see bench/README.md): the host must be a loopback
address, and the run is bounded by --users and --run-time.

Environment: DEMO_PASSWORD (the password `seed_demo` gave the demo accounts), BENCH_USER (an
office account, default fz-office: 福州市, whose page ranks its districts).
"""

import os
import random
import re
from urllib.parse import urlsplit

from gevent.lock import Semaphore
from locust import HttpUser, between, task
from locust.exception import StopUser

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
REGION_LINK = re.compile(r'href="/dashboard/([0-9A-Za-z]{1,12})/"')
OWN_REGION = re.compile(r'data-region="([0-9A-Za-z]{1,12})"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SHARED: dict[str, dict] = {}
LOGIN = Semaphore()


class OfficeUser(HttpUser):
    """An office checking its dashboard between other work."""

    host = "http://127.0.0.1:8000"
    wait_time = between(0.5, 2.0)

    def on_start(self):
        if urlsplit(self.host).hostname not in LOOPBACK:
            raise StopUser(f"refusing to load {self.host}: loopback addresses only")
        if os.environ.get("BENCH_LOGIN_EACH"):
            self.log_in()
        else:
            with LOGIN:
                if "cookies" not in SHARED:
                    self.log_in()
                    SHARED["cookies"] = self.client.cookies.get_dict()
            self.client.cookies.update(SHARED["cookies"])
        home = self.client.get("/dashboard/", name="/dashboard/")
        own = OWN_REGION.search(home.text)
        if own is None:
            raise StopUser(f"no dashboard for this user ({home.status_code})")
        self.own = own.group(1)
        # Every other region the page links to lies below it: where an office drills down.
        self.children = sorted(set(REGION_LINK.findall(home.text)) - {self.own})

    def log_in(self):
        login = self.client.get("/login/", name="/login/")
        token = CSRF.search(login.text)
        if token is None:
            raise StopUser("no login form")
        response = self.client.post(
            "/login/",
            {
                "username": os.environ.get("BENCH_USER", "fz-office"),
                "password": os.environ["DEMO_PASSWORD"],
                "csrfmiddlewaretoken": token.group(1),
            },
            name="/login/",
        )
        if "sessionid" not in self.client.cookies:
            raise StopUser(f"login failed ({response.status_code})")

    @task(4)
    def own_dashboard(self):
        self.client.get("/dashboard/", name="/dashboard/")

    @task(2)
    def drill_down(self):
        if self.children:
            code = random.choice(self.children)
            self.client.get(f"/dashboard/{code}/", name="/dashboard/[code]/")

    @task(1)
    def filtered(self):
        self.client.get("/dashboard/?status=amber&sort=status", name="/dashboard/?status&sort")

    @task(2)
    def targets_data(self):
        self.client.get(f"/dashboard/{self.own}/targets.json", name="/dashboard/[code]/targets")

    @task(2)
    def trends_data(self):
        self.client.get(f"/dashboard/{self.own}/trends.json", name="/dashboard/[code]/trends")

    @task(1)
    def ranking_data(self):
        self.client.get(f"/dashboard/{self.own}/ranking.json", name="/dashboard/[code]/ranking")
