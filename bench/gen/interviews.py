"""Interviews with directors and their protocols — to be written when that branch is merged.

Target: ``interviews`` interviews (600): every ШНОР and risk-zone school of this and last year
(``ctx.ids["low_results"]``, registry statuses), scheduled by the municipal authority
(``ctx.ids["authority_by_municipality"]``) «с 15 марта по графику»; a commission of 3–5
people, an agenda of 2–4 items, СЛУШАЛИ / ВЫСТУПИЛИ / РЕШИЛИ texts of realistic length,
protocol numbers serial within the year, 2–5 recommendations each (shared
``Recommendation`` rows), most interviews held and their protocols complete, so that the
protocol PDF scenario prints a full document.

Leave for the scenarios: ``ctx.ids["interviews"]`` (held ones first).

How to write it: see ``courses.py`` and the worked example ``roadmaps.py``.
"""
NEEDS = ("Interview",)
