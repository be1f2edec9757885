"""Profile one scenario in-process with pyinstrument, against a generated bench database.

    python -m bench.profile --database-url sqlite:////tmp/x.sqlite3 roadmap_page [-n 30]

Logs in as the first bench user of the scenario's role through the test client (CSRF on, as
in the browser), repeats the scenario's requests ``-n`` times, prints the time per request
and pyinstrument's call tree (``--html FILE`` to save it instead). Also counts SQL queries per
request — the first thing to look at when a page is slow.
"""
from __future__ import annotations

import argparse
import os
import time

from sqlalchemy import event


def main(argv=None) -> int:
    from pyinstrument import Profiler

    from shnor_app.extensions import db

    from .config import make_app
    from .inprocess import InProcessUser, first_user_plan
    from .scenarios import SCENARIOS

    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--database-url", required=True)
    p.add_argument("scenario", choices=[s.key for s in SCENARIOS])
    p.add_argument("-n", type=int, default=30)
    p.add_argument("--html", default=None)
    p.add_argument("--time-only", action="store_true", help="без профилировщика: только время")
    args = p.parse_args(argv)
    sc = next(s for s in SCENARIOS if s.key == args.scenario)
    app = make_app(args.database_url)
    login, plan = first_user_plan(app, sc)
    user = InProcessUser(app, login)

    queries = [0]
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a: queries.__setitem__(
            0, queries[0] + 1))

    def one(req):
        resp = user.send(req)
        assert user.answered_as_expected(req, resp), (req.path, resp.status_code)

    one(plan[0])  # warm-up: templates compiled, caches filled
    queries[0] = 0
    profiler = Profiler(interval=0.0005)
    times, cpu = [], []
    if not args.time_only:
        profiler.start()
    for i in range(args.n):
        t0, c0 = time.perf_counter(), time.process_time()
        one(plan[i % len(plan)])
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    times.sort()
    cpu.sort()
    # CPU time of this process is what a change to the code changes; wall time also counts
    # what other processes on the machine take from us.
    print(f"{sc.title}: CPU медиана {cpu[len(cpu) // 2]:.1f} мс; время медиана "
          f"{times[len(times) // 2]:.1f} мс, мин. {times[0]:.1f} мс на запрос"
          f"{'' if args.time_only else ' (с профилировщиком)'}, "
          f"{queries[0] / args.n:.1f} SQL-запросов на запрос")
    if args.time_only:
        return 0
    profiler.stop()
    if args.html:
        with open(args.html, "w") as fh:
            fh.write(profiler.output_html())
    else:
        print(profiler.output_text(unicode=True, color=False, show_all=bool(os.environ.get("BENCH_PROFILE_ALL"))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
