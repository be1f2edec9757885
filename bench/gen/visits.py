"""Mentoring visits with recommendations — to be written when the visits branch is merged.

Target: ``visits`` visits (6 000) over the last two years: by tutor schools to the ШНОР they are
paired with (``ctx.ids["partnerships"]`` when that area ran, else tutor and ШНОР schools of the
same municipality) and by methodists (``ctx.ids["users_by_role"]["methodist"]``); lessons
observed, findings, 1–4 recommendations each (shared ``Recommendation`` rows with
source_type of visits, due dates, statuses open / reported / accepted, some overdue), so that
the visits list and the start-page panel of overdue recommendations have real work.

Leave for the scenarios: ``ctx.ids["visits"]``.

How to write it: see ``courses.py`` and the worked example ``roadmaps.py``.
"""
NEEDS = ("Visit",)
