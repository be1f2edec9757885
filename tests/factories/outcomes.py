"""The outcomes scenario: ШНОР of 2023 with results of 2022 (the year before the support) and
2025 (the latest), visits to some of them, statuses over the years."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tests.factories.core import make_org, make_statuses
from tests.factories.monitoring import make_result
from tests.factories.visits import make_visit


def make_outcome_results(org, base: float, latest: float):
    """Shares of «2» in 2022 (``base``) and in 2025 (``latest``)."""
    make_result(org, 2022, share_2=base)
    make_result(org, 2025, share_2=latest)


def make_support_visit(org, by, day=date(2023, 10, 5)):
    return make_visit(org, by, day=day, purpose="Методическая помощь")


@dataclass
class OutcomesWorld:
    schools: list  # the five more ШНОР of municipality 1


def outcomes_world(world, extra_schools: int = 0) -> OutcomesWorld:
    """Municipality 1: school_a (ШНОР 2023–2024, out in 2025) and five more ШНОР of 2023; visits
    to school_a and four of them; the tutor school with results, never ШНОР. Municipality 2:
    school_b (ШНОР 2023). ``extra_schools`` adds ШНОР with visits (the query-count test)."""
    a = world.school_a
    make_statuses(a, 2023, 2024)
    make_outcome_results(a, 40.0, 20.0)                      # −20
    make_support_visit(a, world.tutor_school)
    made = []
    for i, change in enumerate([-10, -8, -6, 4, 6], 1):  # s5 gets no visit
        s = make_org(world.muni, short_name=f"МБОУ ООШ № {i} с. Луговое")
        make_statuses(s, 2023, 2024, 2025)
        make_outcome_results(s, 40.0, 40.0 + change)
        if i < 5:
            make_support_visit(s, world.tutor_school)
        made.append(s)
    for i in range(extra_schools):
        s = make_org(world.muni, short_name=f"МБОУ СОШ № {100 + i} пос. Лесной")
        make_statuses(s, 2023, 2024, 2025)
        make_outcome_results(s, 40.0, 35.0)
        make_support_visit(s, world.tutor_school)
    make_outcome_results(world.tutor_school, 10.0, 8.0)        # −2, never ШНОР
    make_statuses(world.school_b, 2023)
    make_outcome_results(world.school_b, 50.0, 30.0)
    return OutcomesWorld(schools=made)
