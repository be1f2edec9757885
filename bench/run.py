"""``make bench``: generate, serve with gunicorn, load, measure, write bench/RESULTS.md, judge.

For each database (SQLite always — a file in a temporary folder; PostgreSQL when
``--postgres URL`` is given, that database is ERASED):

1. the dataset is generated (bench/gen, ``--scale``);
2. gunicorn (``--workers`` × ``--threads`` gthread) serves ``bench.serve:app`` — the real app
   plus the floor page — on a free loopback port;
3. every scenario (bench/scenarios.py) runs at each concurrency of ``--levels`` for
   ``--duration`` seconds, then the floor page at the same concurrency;
4. the resident memory of each gunicorn worker is read from /proc.

Budgets (README, «Бенчмарк»): at 10 users on SQLite, p95 of the 120-item roadmap page ≤ 60 ms,
of the HTMX status change ≤ 25 ms, of the municipality course report ≤ 100 ms, of the protocol
PDF ≤ 150 ms; on PostgreSQL the same pages at 30 users without errors; every worker ≤ 200 MB
RSS after the run; no errors anywhere. Exit status: 0 when every budget that could be checked
holds (the unchecked ones are listed — with ``--strict`` they fail too), 1 when one is broken,
2 when the harness itself cannot run.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import platform
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from . import driver
from .config import server_env
from .gen import BENCH_PASSWORD, SCALES, GeneratorMissing, build
from .scenarios import SCENARIOS, Budget, ScenarioError
from .serve import FLOOR_PREFIX

ROOT = Path(__file__).resolve().parent.parent
BUDGET_LEVEL_SQLITE = 10
ERRORLESS_LEVEL_POSTGRES = 30
RSS_LIMIT_MB = 200
BUDGET_PHASE_MAX_S = 120  # a budgeted phase waiting for its answers stops here anyway


@dataclass
class Target:
    label: str
    url: str
    db_version: str = ""
    results: dict = field(default_factory=dict)   # (scenario key, level) → Stats
    floor: dict = field(default_factory=dict)     # level → Stats
    skipped: dict = field(default_factory=dict)   # scenario key → reason
    gen_skipped: dict = field(default_factory=dict)
    gen_seconds: float = 0.0
    gen_rows: int = 0
    rss_mb: list = field(default_factory=list)


# --------------------------------------------------------------------------- server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, url: str, workers: int, threads: int, log: Path, *,
                 instance: Path | None = None, port: int | None = None):
        self.port = port or int(os.environ.get("BENCH_PORT") or free_port())
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, **server_env(url, instance))
        self.log = open(log, "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "gunicorn.conf.py"), "--workers", str(workers), "--threads",
             str(threads), "--worker-class", "gthread", "--bind", f"127.0.0.1:{self.port}",
             "--log-level", "warning", "--timeout", "120", "--keep-alive", "5",
             "--chdir", str(ROOT), "bench.serve:app"], env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = 60) -> None:
        import httpx

        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn завершился (код {self.proc.returncode}), "
                                   f"см. {self.log.name}")
            try:
                if httpx.get(self.base + FLOOR_PREFIX + "/", timeout=2).status_code == 200 \
                        and httpx.get(self.base + "/login", timeout=10).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError("gunicorn не ответил за минуту")

    def worker_rss_mb(self) -> list[float]:
        out = []
        for pid in _children(self.proc.pid):
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        out.append(int(line.split()[1]) / 1024)
            except OSError:
                pass
        return out

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()


def _children(pid: int) -> list[int]:
    kids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                kids.append(int(entry.name))
    return kids


# --------------------------------------------------------------------------- plans


def make_plans(url: str, max_users: int, out=print, only: set[str] | None = None):
    """Per runnable scenario: the requests of each bench user of its role (inside the app)."""
    from sqlalchemy import select

    from shnor_app.extensions import db
    from shnor_app.models import Role, User

    from .config import make_app

    app = make_app(url)
    plans, skipped, logins = {}, {}, {}
    with app.app_context(), app.test_request_context():
        for sc in SCENARIOS:
            reason = sc.availability(app)
            if only and sc.key not in only:
                reason = "не измерено: не выбран (--only)"
                skipped[sc.key] = reason
                continue
            if reason:
                skipped[sc.key] = reason
                out(f"  {sc.title}: {reason}")
                continue
            if sc.role not in logins:
                users = db.session.scalars(select(User).where(
                    User.role == Role[sc.role.upper()], User.active.is_(True))
                    .order_by(User.id).limit(max_users)).all()
                if not users:
                    raise ScenarioError(f"в наборе данных нет пользователей роли {sc.role}")
                logins[sc.role] = users
            users = logins[sc.role]
            plans[sc.key] = [(u.login, sc.requests(u)) for u in users]
        db.session.remove()
        db.engine.dispose()
    return plans, skipped


# --------------------------------------------------------------------------- measuring


async def measure(target: Target, base: str, plans: dict, levels: list[int], duration: float,
                  think: tuple[float, float], out=print, budget_answers: int = 0) -> None:
    sessions: dict[str, driver.VirtualUser] = {}
    sem = asyncio.Semaphore(8)

    # One login per account, even when several virtual users of it start at once: a code of
    # the second factor is accepted once, so a second concurrent login of the account would be
    # refused; the others wait for the first and share its session.
    logins: dict[str, asyncio.Future] = {}

    async def log_in(login: str) -> driver.VirtualUser:
        async with sem:
            return await driver.log_in(base, login, BENCH_PASSWORD)

    async def session(key: str, login: str) -> driver.VirtualUser:
        if key not in sessions:
            first = logins.get(login)
            if first is None:
                first = logins[login] = asyncio.ensure_future(log_in(login))
                sessions[key] = await first
            else:
                vu = await first
                sessions.setdefault(key, driver.same_session(vu))
        return sessions[key]

    async def users_for(sc_key: str, n: int):
        accounts = plans[sc_key]
        pairs = [accounts[i % len(accounts)] for i in range(n)]
        # Virtual user i of a role keeps its session across scenarios of that role.
        role = next(s.role for s in SCENARIOS if s.key == sc_key)
        vus = await asyncio.gather(*(session(f"{role}:{i}", login)
                                     for i, (login, _) in enumerate(pairs)))
        return list(vus), [reqs for _, reqs in pairs]

    from .scenarios import Request

    floor_req = Request("GET", FLOOR_PREFIX + "/", contains="<main")
    try:
        for level in levels:
            pause = think if level > 1 and think[1] > 0 else None
            for sc in SCENARIOS:
                if sc.key not in plans:
                    continue
                vus, reqs = await users_for(sc.key, level)
                database = "sqlite" if target.url.startswith("sqlite") else "postgresql"
                judged = any(b.database == database and b.users == level
                             for b in sc.all_budgets)
                stats = await driver.phase(vus, reqs, duration, pause,
                                           min_answers=budget_answers if judged else 0,
                                           max_duration=BUDGET_PHASE_MAX_S)
                target.results[(sc.key, level)] = stats
                out(f"  {level:>2} польз. · {sc.title:<44} p50 {stats.p50:7.1f}  "
                    f"p95 {stats.p95:7.1f}  max {stats.max:7.1f} мс  {stats.rps:6.1f} з/с"
                    + (f"  ОШИБОК {stats.errors}" if stats.errors else ""))
            vus, _ = await users_for(next(iter(plans)), level)
            stats = await driver.phase(vus, [[floor_req]] * level, duration, pause)
            target.floor[level] = stats
            out(f"  {level:>2} польз. · {'Пол: минимальная страница Flask':<44} p50 "
                f"{stats.p50:7.1f}  p95 {stats.p95:7.1f}  max {stats.max:7.1f} мс  "
                f"{stats.rps:6.1f} з/с")
    finally:
        await asyncio.gather(*(vu.client.aclose() for vu in sessions.values()))


def db_version(url: str) -> str:
    if url.startswith("sqlite"):
        return f"SQLite {sqlite3.sqlite_version}"
    from sqlalchemy import create_engine, text

    from shnor_app.config import normalise_database_url

    engine = create_engine(normalise_database_url(url))
    with engine.connect() as conn:
        version = conn.scalar(text("SHOW server_version"))
    engine.dispose()
    return f"PostgreSQL {version}"


def run_target(target: Target, args, out=print) -> None:
    out(f"\n=== {target.label} ===")
    if not args.no_generate:  # first: it creates a PostgreSQL database that is missing
        res = build(target.url, args.scale, reset=True, out=out)
        target.gen_seconds, target.gen_rows = res.seconds, sum(res.counts.values())
        target.gen_skipped = res.skipped
    target.db_version = db_version(target.url)
    plans, target.skipped = make_plans(target.url, max(args.levels), out=out, only=args.only)
    log = Path(tempfile.gettempdir()) / f"shnor-bench-gunicorn-{target.label.lower()}.log"
    server = Server(target.url, args.workers, args.threads, log)
    try:
        server.wait_ready()
        asyncio.run(measure(target, server.base, plans, args.levels, args.duration, args.think,
                            out=out, budget_answers=args.budget_answers))
        target.rss_mb = server.worker_rss_mb()
        out("  память воркеров (RSS): " + ", ".join(f"{m:.0f} МБ" for m in target.rss_mb))
    finally:
        server.stop()


# --------------------------------------------------------------------------- judging


@dataclass
class Verdict:
    what: str
    measured: str
    limit: str
    state: str  # "ok", "broken", "unmeasured"


def judge(targets: list[Target]) -> list[Verdict]:
    out = []
    for t in targets:
        sqlite = t.url.startswith("sqlite")
        database = "sqlite" if sqlite else "postgresql"
        for sc in SCENARIOS:
            budgets = [b for b in sc.all_budgets if b.database == database]
            if not sqlite and sc.budget_ms is not None:  # every budgeted page: no errors at 30
                budgets.append(Budget(database, ERRORLESS_LEVEL_POSTGRES))
            for b in budgets:
                what = f"{t.label}: {sc.title}, {b.users} польз."
                limit = b.limit()
                if sc.key in t.skipped:
                    out.append(Verdict(what, f"«{t.skipped[sc.key]}»", limit, "unmeasured"))
                    continue
                st = t.results.get((sc.key, b.users))
                if st is None:
                    out.append(Verdict(what, "не измерено: нет такого уровня нагрузки", limit,
                                       "unmeasured"))
                    continue
                good = not st.errors and (b.p95_ms is None or st.p95 <= b.p95_ms) and \
                    (b.max_ms is None or st.max <= b.max_ms)
                fl = t.floor.get(b.users)
                ratio = f" = {st.p95 / fl.p95:.1f}× пола" if fl and fl.p95 == fl.p95 and \
                    fl.p95 else ""
                measured = f"p95 {st.p95:.1f} мс{ratio}"
                if b.max_ms is not None:
                    measured += f", max {st.max:.0f} мс"
                if st.errors:
                    measured += f", ошибок {st.errors}"
                out.append(Verdict(what, measured, limit, "ok" if good else "broken"))
        errors = {(k, lvl): s.errors for (k, lvl), s in t.results.items() if s.errors}
        errors.update({("floor", lvl): s.errors for lvl, s in t.floor.items() if s.errors})
        out.append(Verdict(f"{t.label}: ответы всех сценариев",
                           "ошибок нет" if not errors else "ошибки: " + ", ".join(
                               f"{k}@{lvl} — {n}" for (k, lvl), n in sorted(errors.items())),
                           "без ошибок", "broken" if errors else "ok"))
        worst = max(t.rss_mb) if t.rss_mb else float("nan")
        out.append(Verdict(f"{t.label}: память воркера после прогона",
                           f"{worst:.0f} МБ (воркеры: "
                           + ", ".join(f"{m:.0f}" for m in t.rss_mb) + ")",
                           f"≤ {RSS_LIMIT_MB} МБ",
                           "ok" if t.rss_mb and worst <= RSS_LIMIT_MB else "broken"))
    return out


# --------------------------------------------------------------------------- report


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def _fmt(x: float) -> str:
    return "—" if x != x else f"{x:.1f}"


STATE_LABEL = {"ok": "соблюдён", "broken": "**НАРУШЕН**", "unmeasured": "не проверен"}


def write_results(path: Path, targets: list[Target], verdicts: list[Verdict], args,
                  load_before: tuple, note: str) -> None:
    lines = [
        "# Бенчмарк ШНОР", "",
        f"Записан `python -m bench.run` ({'быстрый прогон' if args.scale != 'full' else 'полный прогон'}, "
        f"`make bench{'-quick' if args.scale != 'full' else ''}`). Не редактировать вручную.", "",
        "## Машина", "",
        f"- Дата: {datetime.now().astimezone():%d.%m.%Y %H:%M %Z}",
        f"- Процессор: {_cpu()}, ядер: {os.cpu_count()}",
        f"- Python {platform.python_version()}, {platform.system()} {platform.release()}",
        "- Базы: " + "; ".join(f"{t.label} — {t.db_version}" for t in targets),
        f"- Сервер: gunicorn, {args.workers} воркера × {args.threads} потока (gthread), "
        "клиент нагрузки (httpx, asyncio) на той же машине",
        f"- Средняя загрузка перед прогоном (1/5/15 мин): "
        + " / ".join(f"{x:.2f}" for x in load_before),
    ]
    if note:
        lines += ["", f"> {note}"]
    lines += ["", "## Набор данных", "",
              f"Масштаб «{args.scale}» (bench/gen): 30 муниципалитетов, 900 школ (120 ШНОР), "
              "27 000 работников, 900 дорожных карт по ~60 пунктов (31 карта по 120 пунктов), "
              "отчёты, пользователи всех ролей." if args.scale == "full" else
              f"Масштаб «{args.scale}» (bench/gen/base.py: SCALES)."]
    for t in targets:
        if t.gen_rows:
            lines.append(f"- {t.label}: {t.gen_rows} строк за {t.gen_seconds:.0f} с.")
        for area, why in t.gen_skipped.items():
            lines.append(f"- {t.label}: область «{area}» не сгенерирована — {why}.")
    lines += ["", "## Бюджеты", "", "| что | измерено | бюджет | итог |", "|---|---|---|---|"]
    lines += [f"| {v.what} | {v.measured} | {v.limit} | {STATE_LABEL[v.state]} |"
              for v in verdicts]
    for t in targets:
        lines += ["", f"## {t.label}: время ответа, мс", "",
                  f"Каждый сценарий: N пользователей роли (у каждого свой сеанс) повторяют "
                  f"действие {args.duration:g} с, делая между действиями паузу "
                  f"{args.think[0]:g}–{args.think[1]:g} с (один пользователь — без пауз); "
                  f"фаза, по которой судят бюджет, длится, пока не наберёт "
                  f"{args.budget_answers} ответов (не дольше {BUDGET_PHASE_MAX_S} с). "
                  "«× пола» — p50 действия / p50 минимальной страницы Flask на том же сервере "
                  "при той же нагрузке.", "",
                  "| действие | польз. | p50 | p95 | max | запр./с | ответов | ошибок | × пола |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for sc in SCENARIOS:
            if sc.key in t.skipped:
                lines.append(f"| {sc.title} | — | {t.skipped[sc.key]} | | | | | | |")
                continue
            for level in args.levels:
                st = t.results.get((sc.key, level))
                if st is None:
                    continue
                fl = t.floor.get(level)
                ratio = st.p50 / fl.p50 if fl and fl.p50 == fl.p50 and fl.p50 else float("nan")
                lines.append(f"| {sc.title} | {level} | {_fmt(st.p50)} | {_fmt(st.p95)} | "
                             f"{_fmt(st.max)} | {st.rps:.1f} | {st.count} | {st.errors} | "
                             f"{_fmt(ratio)} |")
        for level in args.levels:
            fl = t.floor.get(level)
            if fl:
                lines.append(f"| Пол: минимальная страница Flask | {level} | {_fmt(fl.p50)} | "
                             f"{_fmt(fl.p95)} | {_fmt(fl.max)} | {fl.rps:.1f} | {fl.count} | "
                             f"{fl.errors} | 1.0 |")
        lines += ["", "Память воркеров после прогона (RSS): "
                  + ", ".join(f"{m:.0f} МБ" for m in t.rss_mb) + "."]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- main


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description="Бенчмарк ШНОР.")
    p.add_argument("--scale", choices=sorted(SCALES), default="full")
    p.add_argument("--duration", type=float, default=8.0, help="секунд на фазу")
    p.add_argument("--budget-answers", type=int, default=300,
                   help="фаза, по которой судят бюджет, длится, пока не наберёт столько ответов "
                        "(p95 из 60 ответов — третий худший, его решает одна заминка машины)")
    p.add_argument("--think", default="0.5,1.5",
                   help="пауза пользователя между действиями, с (от,до); 0,0 — без пауз")
    p.add_argument("--levels", default="1,10,30", help="числа одновременных пользователей")
    p.add_argument("--postgres", default=os.environ.get("BENCH_DATABASE_URL")
                   or os.environ.get("TEST_DATABASE_URL"),
                   help="URL PostgreSQL (база будет СТЁРТА); по умолчанию BENCH_DATABASE_URL "
                        "или TEST_DATABASE_URL")
    p.add_argument("--no-postgres", action="store_true")
    p.add_argument("--sqlite", default=None, help="файл SQLite (по умолчанию во временной папке)")
    p.add_argument("--no-sqlite", action="store_true")
    p.add_argument("--no-generate", action="store_true", help="взять уже созданные базы")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--results", default=None, help="куда записать отчёт (Markdown)")
    p.add_argument("--note", default=os.environ.get("BENCH_NOTE", ""),
                   help="примечание в отчёт (например, о загрузке машины)")
    p.add_argument("--strict", action="store_true",
                   help="непроверенные бюджеты (нет модуля) тоже считать нарушением")
    p.add_argument("--only", default="",
                   help="только эти сценарии (ключи через запятую, см. bench/scenarios.py); "
                        "отчёт тогда пишется во временную папку, не в bench/RESULTS.md")
    args = p.parse_args(argv)
    args.only = {k.strip() for k in args.only.split(",") if k.strip()}
    unknown = args.only - {s.key for s in SCENARIOS}
    if unknown:
        p.error("нет таких сценариев: " + ", ".join(sorted(unknown)))
    args.levels = [int(x) for x in args.levels.split(",")]
    args.think = tuple(float(x) for x in args.think.split(","))
    results = Path(args.results) if args.results else (
        Path(tempfile.gettempdir()) / "shnor-bench-only.md" if args.only else ROOT / "bench" / (
            "RESULTS.md" if args.scale == "full" else f"RESULTS-{args.scale}.md"))

    targets = []
    if not args.no_sqlite:
        path = args.sqlite or str(Path(tempfile.gettempdir()) /
                                  f"shnor-bench-{os.getuid()}-{args.scale}.sqlite3")
        targets.append(Target("SQLite", f"sqlite:///{path}"))
    if args.postgres and not args.no_postgres:
        targets.append(Target("PostgreSQL", args.postgres))
    else:
        print("PostgreSQL не задан (BENCH_DATABASE_URL / TEST_DATABASE_URL): прогон только на SQLite.")
    load_before = os.getloadavg()
    try:
        for t in targets:
            run_target(t, args)
    except (GeneratorMissing, ScenarioError, LookupError, driver.LoginFailed,
            RuntimeError) as err:
        print(f"\nСтенд не смог отработать: {err}", file=sys.stderr)
        return 2
    verdicts = judge(targets)
    write_results(results, targets, verdicts, args, load_before, args.note)
    print(f"\nОтчёт: {results.relative_to(ROOT) if results.is_relative_to(ROOT) else results}")
    for v in verdicts:
        print(f"  [{STATE_LABEL[v.state].strip('*')}] {v.what}: {v.measured} ({v.limit})")
    broken = [v for v in verdicts if v.state == "broken"]
    unmeasured = [v for v in verdicts if v.state == "unmeasured"]
    if unmeasured:
        print(f"Не проверено бюджетов: {len(unmeasured)} (модулей ещё нет)"
              + (" — с --strict это провал." if args.strict else "."))
    if broken or (args.strict and unmeasured):
        print(f"ПРОВАЛ: нарушено бюджетов: {len(broken)}.")
        return 1
    print("Все проверенные бюджеты соблюдены.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
