"""Two servers behind nginx sharing one PostgreSQL database: ``make bench-two``.

Starts two gunicorn servers on different ports, each with an instance folder of its own (they
share nothing but the database), and Debian's nginx in front of both (installed when missing and
we are allowed to, as the end-to-end tests install Chromium). Then it checks what a second
server could break and measures the load:

1. a file uploaded through server A downloads, byte for byte, through server B;
2. a PDF laid out by A is served by B from the shared document cache (the same bytes: a PDF laid
   out again would carry another creation time and document id);
3. a logout on A ends the same session on B;
4. ``--users`` (60) people working through nginx at once get no error; the throughput of the two
   servers is reported beside one server's under the same load (on a machine of two cores no
   gain is expected: the point is that nothing breaks).

Writes ``bench/RESULTS-two-servers.md`` and exits 1 when a check fails or an answer was wrong.
The database (``--postgres``, else BENCH_DATABASE_URL or TEST_DATABASE_URL) is ERASED.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import httpx

from . import driver
from .gen import BENCH_PASSWORD, build
from .run import Server, free_port, make_plans
from .scenarios import SCENARIOS

ROOT = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SCENARIO_KEYS = ["roadmap_page", "item_status", "registry_search", "home_methodist",
                 "roadmap_pdf", "visits_list", "monitoring_home", "home_school"]


def ensure_nginx() -> None:
    if Path(NGINX).exists():
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("Устанавливаю nginx (Debian)…")
        subprocess.run("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y "
                       "-qq nginx-light >/dev/null", shell=True, check=False)
    if not Path(NGINX).exists():
        raise SystemExit("nginx не установлен и не может быть установлен: "
                         "apt-get install nginx-light")


class Nginx:
    def __init__(self, ports: list[int], folder: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        folder.mkdir(parents=True, exist_ok=True)
        servers = "\n".join(f"    server 127.0.0.1:{p};" for p in ports)
        temp = " ".join(f"{k}_temp_path {folder}/{k};" for k in
                        ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        (folder / "nginx.conf").write_text(f"""
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
daemon off;
events {{ worker_connections 2048; }}
http {{
  access_log off;
  client_max_body_size 25m;
  {temp}
  upstream shnor {{
{servers}
    keepalive 64;
  }}
  server {{
    listen 127.0.0.1:{self.port};
    location / {{
      proxy_pass http://shnor;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_read_timeout 120s;
    }}
  }}
}}
""")
        self.proc = subprocess.Popen([NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf")],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.time() + 15
        while time.time() < deadline:
            try:
                if httpx.get(self.base + "/login", timeout=5).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError(f"nginx не ответил, см. {folder}/error.log")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def _facts(url: str) -> dict:
    """A methodist of the bench data, a school it may attach files to, its roadmap PDF."""
    from sqlalchemy import select

    from shnor_app import policy
    from shnor_app.extensions import db
    from shnor_app.models import Organization, OrgKind, Role, User

    from .config import make_app
    from .scenarios import _item_status, _roadmap_page, _roadmap_pdf

    app = make_app(url)
    with app.app_context(), app.test_request_context():
        user = db.session.scalar(select(User).where(User.role == Role.METHODIST,
                                                    User.active.is_(True)).order_by(User.id))
        school = db.session.scalar(policy.scope_query(user, Organization).where(
            Organization.kind == OrgKind.SCHOOL).order_by(Organization.id))
        change = _item_status(user)[0]  # an open item of the same roadmap, to another status
        facts = {"login": user.login, "school": school.id, "pdf": _roadmap_pdf(user)[0].path,
                 "page": _roadmap_page(user)[0].path, "status": change.path,
                 "status_form": change.form, "item": change.contains}
        db.session.remove()
        db.engine.dispose()
    return facts


def _count(url: str, table: str) -> int:
    from sqlalchemy import create_engine, text

    from shnor_app.config import normalise_database_url

    engine = create_engine(normalise_database_url(url))
    with engine.connect() as conn:
        n = conn.scalar(text(f"SELECT count(*) FROM {table}"))  # nosec B608 - our own names
    engine.dispose()
    return n


def _latest_attachment(url: str) -> int:
    from sqlalchemy import create_engine, text

    from shnor_app.config import normalise_database_url

    engine = create_engine(normalise_database_url(url))
    with engine.connect() as conn:
        n = conn.scalar(text("SELECT max(id) FROM attachments"))
    engine.dispose()
    return n


async def sharing_checks(url: str, a: str, b: str, facts: dict) -> list[tuple[str, bool, str]]:
    checks = []
    vu = await driver.log_in(a, facts["login"], BENCH_PASSWORD)
    other = httpx.AsyncClient(base_url=b, timeout=120, follow_redirects=False,
                              headers={"User-Agent": "shnor-bench/1"}, cookies=vu.client.cookies)
    try:
        body = b"%PDF-1.4\n" + os.urandom(3 * 1024 * 1024) + b"\n%%EOF"
        up = await vu.client.post(f"/files/organizations/{facts['school']}",
                                  files={"file": ("приказ.pdf", body, "application/pdf")},
                                  data={"description": "Проверка двух серверов",
                                        "csrf_token": vu.csrf},
                                  headers={"HX-Request": "true", "X-CSRFToken": vu.csrf})
        att = _latest_attachment(url)
        down = await other.get(f"/files/download/{att}")
        ok = up.status_code == 200 and down.status_code == 200 and down.content == body
        checks.append(("Файл 3 МБ загружен через A и скачан через B", ok,
                       f"загрузка {up.status_code}, скачивание {down.status_code}, "
                       f"{'байты совпали' if down.content == body else 'байты РАЗНЫЕ'}"))

        before = _count(url, "cached_documents")
        first = await vu.client.get(facts["pdf"])
        after_a = _count(url, "cached_documents")
        second = await other.get(facts["pdf"])
        after_b = _count(url, "cached_documents")
        ok = first.content[:5] == b"%PDF-" and first.content == second.content and \
            after_b == after_a
        checks.append(("PDF, собранный A, отдан B из общего кэша", ok,
                       f"документов в кэше: {before} → {after_a} → {after_b}; "
                       f"{'те же байты' if first.content == second.content else 'РАЗНЫЕ байты'}"))

        checks.append(await _kept_table_check(vu, other, facts))

        page = await other.get("/")
        out = await vu.client.post("/logout", data={"csrf_token": vu.csrf},
                                   headers={"X-CSRFToken": vu.csrf})
        later = await other.get("/")
        ok = page.status_code == 200 and out.status_code == 302 and later.status_code == 302 \
            and "/login" in later.headers.get("location", "")
        checks.append(("Выход на A завершает тот же сеанс на B", ok,
                       f"B до выхода {page.status_code}, выход {out.status_code}, "
                       f"B после выхода {later.status_code} → {later.headers.get('location')}"))
    finally:
        await vu.client.aclose()
        await other.aclose()
    return checks


async def _kept_table_check(vu, other, facts: dict) -> tuple[str, bool, str]:
    """B keeps the roadmap's table; a status changed through A shows in B's next page."""
    def row(html: str) -> str:
        start = html.find(facts["item"])
        return html[start:html.find("</tr>", start)] if start >= 0 else ""

    selected = f'value="{facts["status_form"]["status"]}" selected'
    before = await other.get(facts["page"])
    kept = await other.get(facts["page"])
    changed = await vu.client.post(facts["status"], data={**facts["status_form"],
                                                          "csrf_token": vu.csrf},
                                   headers={"HX-Request": "true", "X-CSRFToken": vu.csrf})
    after = await other.get(facts["page"])
    ok = before.status_code == kept.status_code == after.status_code == 200 \
        and changed.status_code == 200 and selected not in row(kept.text) \
        and selected in row(after.text)
    return ("Статус пункта, изменённый через A, сразу виден в таблице, сохранённой B", ok,
            f"B до {before.status_code}/{kept.status_code}, смена через A {changed.status_code}, "
            f"B после {after.status_code}: "
            f"{'новый статус в строке' if selected in row(after.text) else 'СТАРЫЙ статус'}")


async def log_in_all(base: str, plans: dict, users: int) -> list[tuple[str, list, object]]:
    """(login, requests, client cookies) of each virtual user; every account logs in once (a
    second factor's code is accepted once), its virtual users share the session."""
    keys = [k for k in SCENARIO_KEYS if k in plans]
    by_login: dict[str, driver.VirtualUser] = {}
    out = []
    for i in range(users):
        key = keys[i % len(keys)]
        login, requests = plans[key][(i // len(keys)) % len(plans[key])]
        if login not in by_login:
            by_login[login] = await driver.log_in(base, login, BENCH_PASSWORD)
        out.append((by_login[login], requests))
    return out


async def load(base: str, people: list, duration: float) -> driver.Stats:
    vus = [driver.VirtualUser(vu.login, httpx.AsyncClient(
        base_url=base, timeout=120, follow_redirects=False,
        headers={"User-Agent": "shnor-bench/1"}, cookies=vu.client.cookies), vu.csrf)
        for vu, _ in people]
    try:
        return await driver.phase(vus, [reqs for _, reqs in people], duration, (0.5, 1.5))
    finally:
        await asyncio.gather(*(v.client.aclose() for v in vus))


async def both_loads(a: str, proxy: str, plans: dict, users: int, duration: float):
    people = await log_in_all(a, plans, users)
    try:
        return (await load(a, people, duration), await load(proxy, people, duration))
    finally:
        await asyncio.gather(*(vu.client.aclose() for vu, _ in people))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description="Два сервера ШНОР за nginx на одной PostgreSQL.")
    p.add_argument("--postgres", default=os.environ.get("BENCH_DATABASE_URL")
                   or os.environ.get("TEST_DATABASE_URL"))
    p.add_argument("--scale", default="quick")
    p.add_argument("--users", type=int, default=60)
    p.add_argument("--duration", type=float, default=20.0)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--no-generate", action="store_true")
    p.add_argument("--results", default=str(ROOT / "bench" / "RESULTS-two-servers.md"))
    args = p.parse_args(argv)
    if not args.postgres:
        raise SystemExit("Нужна PostgreSQL: --postgres URL или BENCH_DATABASE_URL (база СТИРАЕТСЯ).")
    ensure_nginx()
    url = args.postgres
    if not args.no_generate:
        build(url, args.scale, reset=True, out=print)
    plans, _ = make_plans(url, args.users, out=print,
                          only={s.key for s in SCENARIOS if s.key in SCENARIO_KEYS})
    facts = _facts(url)
    work = Path(tempfile.mkdtemp(prefix="shnor-two-servers-"))
    servers = [Server(url, args.workers, args.threads, work / f"gunicorn-{n}.log",
                      instance=work / f"instance-{n}") for n in "ab"]
    proxy = None
    try:
        for s in servers:
            s.wait_ready()
        proxy = Nginx([s.port for s in servers], work / "nginx")
        checks = asyncio.run(sharing_checks(url, servers[0].base, servers[1].base, facts))
        for what, ok, detail in checks:
            print(f"  {'✓' if ok else '✗'} {what}: {detail}")
        one, two = asyncio.run(both_loads(servers[0].base, proxy.base, plans, args.users,
                                          args.duration))
        print(f"  один сервер, {args.users} польз.: {one.rps:.1f} з/с, p50 {one.p50:.0f}, "
              f"p95 {one.p95:.0f} мс, ошибок {one.errors}")
        print(f"  два сервера за nginx, {args.users} польз.: {two.rps:.1f} з/с, p50 {two.p50:.0f}, "
              f"p95 {two.p95:.0f} мс, ошибок {two.errors}")
    finally:
        if proxy:
            proxy.stop()
        for s in servers:
            s.stop()
    good = all(ok for _, ok, _ in checks) and not one.errors and not two.errors
    lines = ["# Два сервера за nginx на одной PostgreSQL", "",
             f"Записан `python -m bench.two_servers` (`make bench-two`) "
             f"{datetime.now().astimezone():%d.%m.%Y %H:%M %Z}; масштаб «{args.scale}», "
             f"у каждого сервера gunicorn {args.workers}×{args.threads} и своя папка instance, "
             f"общая только база. Машина: ядер {os.cpu_count()}. Не редактировать вручную.", "",
             "## Проверки", "", "| что | итог | подробности |", "|---|---|---|"]
    lines += [f"| {what} | {'выполнено' if ok else 'НАРУШЕНО'} | {detail} |"
              for what, ok, detail in checks]
    lines += ["", f"## Нагрузка: {args.users} пользователей, {args.duration:g} с, пауза 0,5–1,5 с",
              "", "| серверы | запр./с | p50, мс | p95, мс | max, мс | ответов | ошибок |",
              "|---|---:|---:|---:|---:|---:|---:|"]
    for label, st in (("один (напрямую)", one), ("два за nginx", two)):
        lines.append(f"| {label} | {st.rps:.1f} | {st.p50:.0f} | {st.p95:.0f} | {st.max:.0f} | "
                     f"{st.count} | {st.errors} |")
    lines += ["", "На двух ядрах прироста не ждём: оба сервера делят те же ядра; проверяется, что "
              "ничего не ломается."]
    Path(args.results).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("Итог:", "все проверки выполнены" if good else "ЕСТЬ НАРУШЕНИЯ", "→", args.results)
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
