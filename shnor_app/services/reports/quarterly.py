"""«Квартальный мониторинг» of the municipal system of work with ШНОР, in the blocks of a
municipal system (such as the Slavyansky one): scores of the indicators (block 1), the
professional development of teachers (blocks 2 and 3: indicators 2.1 and 3.2), the network
interaction of the quarter (block 4: 4.1–4.4), the methodical visits and recommendations, and
the execution of the roadmap (block 5).

Each block is the same computation as the page that shows it — the indicator scores of
«Мониторинг → Показатели» for the quarter's year, the course coverage of «Курсы → Отчёты» on
the quarter's last day (or today within the current quarter), the partnership indicators of
«Сетевое партнёрство → Показатели» for the quarter, the roadmap monitoring — so the numbers agree.
"""
from __future__ import annotations

from . import analytical, roadmap


def build_sections(user, territory, period, as_of):
    year = period.end.year
    scores = analytical.scores_section(territory, year)
    scores.title = "Образовательные результаты: баллы по показателям (блок 1)"
    courses = analytical.courses_section(user, territory, as_of)
    courses.title = "Профессиональное развитие педагогов (блоки 2–3: показатели 2.1, 3.2)"
    partners = analytical.partnerships_section(user, territory, period)
    partners.title = "Сетевое взаимодействие (блок 4: показатели 4.1–4.4)"
    visits = analytical.visits_section(territory, period, as_of)
    visits.title = "Методическая помощь: посещения школ и рекомендации"
    summary, _items, overdue = roadmap.build_sections(user, territory, period, as_of)
    summary.key, summary.title = "roadmap", "Исполнение дорожной карты (блок 5)"
    summary.tables += overdue.tables
    summary.facts += overdue.facts
    return [scores, courses, partners, visits, summary]
