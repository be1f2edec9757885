"""Build the region-scale dataset: ``python -m bench.generate [--scale full|quick|tiny] [--reset]``.

The database is ``--database-url``, else ``DATABASE_URL``. Every user's password is
``bench-password-2026`` (logins in bench/gen/users.py).
"""
from __future__ import annotations

import argparse
import os
import sys

from .gen import SCALES, DatabaseNotEmpty, GeneratorMissing, build


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    parser.add_argument("--reset", action="store_true",
                        help="стереть базу, если в ней уже есть данные")
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("укажите --database-url или DATABASE_URL")
    print(f"Генерация набора данных «{args.scale}» в {_safe(args.database_url)}")
    try:
        build(args.database_url, args.scale, reset=args.reset)
    except (DatabaseNotEmpty, GeneratorMissing) as err:
        print(f"Ошибка: {err}", file=sys.stderr)
        return 2
    return 0


def _safe(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


if __name__ == "__main__":
    sys.exit(main())
