"""The load driver: virtual users with their own sessions, each repeating one action.

Every virtual user is an ``httpx.AsyncClient`` with its own cookie jar, logged in through the
real login form (GET the form, POST login, password and its CSRF token, and for admin and region
the code of their second factor; follow the redirect to the start page and read the CSRF token
htmx sends from ``<body hx-headers>``). Virtual users of one account share its session. A *phase* runs N
virtual users of a role that all repeat one scenario's requests as fast as answers come back
for a fixed time, after one untimed warm-up request each; it records every answer's time and
whether it was the expected one. Between two actions a user *thinks* — pauses a random time
(``think``, seconds, uniform; 0.5–1.5 s by default, as a person who reads the row they just
changed): N users are N people working at once, not N requests always in flight. With one
user there is no pause (the time of an answer does not depend on it then, and the phase
gets more samples).

POSTs carry the CSRF token as a form field and as the ``X-CSRFToken`` header, htmx requests
the ``HX-Request: true`` header — as the browser sends them.
"""
from __future__ import annotations

import asyncio
import math
import time
from dataclasses import dataclass, field

import httpx

from .csrf import HIDDEN_CSRF as _HIDDEN_CSRF
from .csrf import HX_CSRF as _HX_CSRF
from .csrf import VALUE as _VALUE


class LoginFailed(RuntimeError):
    pass


@dataclass
class VirtualUser:
    login: str
    client: httpx.AsyncClient
    csrf: str = ""


async def log_in(base_url: str, login: str, password: str) -> VirtualUser:
    client = httpx.AsyncClient(base_url=base_url, timeout=120, follow_redirects=False,
                               headers={"User-Agent": "shnor-bench/1"})
    form = await client.get("/login")
    tag = _HIDDEN_CSRF.search(form.text)
    if form.status_code != 200 or not tag:
        raise LoginFailed(f"{login}: форма входа не получена ({form.status_code})")
    token = _VALUE.search(tag.group(0)).group(1)
    resp = await client.post("/login", data={"login": login, "password": password,
                                             "csrf_token": token})
    if resp.status_code == 302 and resp.headers["location"].endswith("/login/code"):
        step = await client.get("/login/code")  # admin and region: the second factor
        token = _VALUE.search(_HIDDEN_CSRF.search(step.text).group(0)).group(1)
        resp = await client.post("/login/code", data={"code": totp_code(), "csrf_token": token})
    if resp.status_code != 302:
        raise LoginFailed(f"{login}: вход не удался ({resp.status_code})")
    home = await client.get(resp.headers["location"])
    found = _HX_CSRF.search(home.text)
    if home.status_code != 200 or not found:
        raise LoginFailed(f"{login}: после входа нет стартовой страницы ({home.status_code})")
    return VirtualUser(login, client, found.group(1))


def totp_code() -> str:
    """The current code of the bench users' second factor (bench/gen/base.py)."""
    import pyotp

    from shnor_app.services.auth import second_factor

    from .gen import BENCH_TOTP_SECRET

    return pyotp.TOTP(BENCH_TOTP_SECRET).at(second_factor.now())


def same_session(vu: VirtualUser) -> VirtualUser:
    """Another virtual user in ``vu``'s session (its cookie copied): a code of the second factor
    is accepted once, so a login is not repeated for every virtual user of one account."""
    client = httpx.AsyncClient(base_url=vu.client.base_url, timeout=120, follow_redirects=False,
                               headers={"User-Agent": "shnor-bench/1"}, cookies=vu.client.cookies)
    return VirtualUser(vu.login, client, vu.csrf)


async def send(vu: VirtualUser, req) -> tuple[float, bool, int]:
    headers = {}
    if req.htmx:
        headers["HX-Request"] = "true"
    data = None
    if req.method == "POST":
        headers["X-CSRFToken"] = vu.csrf
        data = dict(req.form or {}, csrf_token=vu.csrf)
    t0 = time.perf_counter()
    for attempt in (1, 2):
        try:
            resp = await vu.client.request(req.method, req.path, data=data, headers=headers)
            body = await resp.aread()
            break
        except httpx.TransportError:
            # The server closed an idle keep-alive connection as we reused it: a browser
            # retries such a request on a new connection, once. A second failure is an error.
            if attempt == 2:
                return time.perf_counter() - t0, False, 0
    dt = time.perf_counter() - t0
    ok = resp.status_code == req.expect and (
        req.contains is None or req.contains.encode() in body)
    return dt, ok, resp.status_code


@dataclass
class Stats:
    times: list = field(default_factory=list)   # seconds
    errors: int = 0
    statuses: dict = field(default_factory=dict)
    elapsed: float = 0.0

    def pct(self, p: float) -> float:
        if not self.times:
            return math.nan
        s = sorted(self.times)
        return s[max(0, math.ceil(p / 100 * len(s)) - 1)] * 1000

    @property
    def p50(self) -> float:
        return self.pct(50)

    @property
    def p95(self) -> float:
        return self.pct(95)

    @property
    def max(self) -> float:
        return max(self.times) * 1000 if self.times else math.nan

    @property
    def count(self) -> int:
        return len(self.times)

    @property
    def rps(self) -> float:
        return self.count / self.elapsed if self.elapsed else 0.0


async def phase(users: list[VirtualUser], plans: list[list], duration: float,
                think: tuple[float, float] | None = None, min_answers: int = 0,
                max_duration: float | None = None) -> Stats:
    """``users[i]`` repeats ``plans[i]`` (a list of requests) for ``duration`` seconds,
    pausing ``think`` = (min, max) seconds between two requests.

    With ``min_answers`` the phase goes on past ``duration`` until that many answers are in
    (but not past ``max_duration``): a p95 over 60 answers is the 3rd-slowest one, and one
    hiccup of the machine decides it."""
    import random

    rng = random.Random(len(users))
    stats = Stats()

    async def warm(i):
        await send(users[i], plans[i][0])

    await asyncio.gather(*(warm(i) for i in range(len(users))))
    start = time.perf_counter()
    stop = start + duration
    hard_stop = start + max(duration, max_duration or duration)

    def going_on() -> bool:
        now = time.perf_counter()
        return now < stop or (len(stats.times) < min_answers and now < hard_stop)

    async def worker(i):
        vu, plan = users[i], plans[i]
        k = i  # users of one account start at different requests of the plan
        if think:  # people do not all click at the same instant
            await asyncio.sleep(rng.uniform(0, think[1]))
        while going_on():
            req = plan[k % len(plan)]
            k += 1
            dt, ok, code = await send(vu, req)
            stats.times.append(dt)
            stats.statuses[code] = stats.statuses.get(code, 0) + 1
            if not ok:
                stats.errors += 1
            if think:
                await asyncio.sleep(rng.uniform(*think))

    await asyncio.gather(*(worker(i) for i in range(len(users))))
    stats.elapsed = time.perf_counter() - start
    return stats
