"""Assessment results (ВПР, ОГЭ, ЕГЭ) — to be written when the monitoring branch is merged.

Target: ``assessment_years`` years (5) of results for every school
(``ctx.ids["schools"]``): ВПР grades 4–8 in 2–4 subjects, ОГЭ (grade 9) and ЕГЭ (grade 11) in
the usual subjects; participants, share of «2» / below the minimum threshold, share of «5»,
mean score. This year's ШНОР (``ctx.ids["low_results"]``) must come out of the federal rule
(≥ 30 % «2» in at least 2 procedures) and a few more schools should be new candidates, so
that the identification page has a real list to compute. About 900 × 5 × ~15 ≈ 70 000 rows.

Leave for the scenarios: nothing beyond the year range.

How to write it: see ``courses.py`` and the worked example ``roadmaps.py``.
"""
NEEDS = ("AssessmentResult",)
