"""Network partnerships and joint events — to be written when the partnerships branch is merged.

Target: ``partnerships`` partnerships (120): each of this year's ШНОР
(``ctx.ids["low_results"]``) paired with a tutor school of its municipality
(``ctx.ids["tutor_schools"]``, ``ctx.ids["schools_by_municipality"]``), a few with the
municipality's college; an agreement (number, date, term), responsible people from
``ctx.ids["staff_by_school"]``, and 4–12 joint events per partnership over the year.

Leave for later areas: ``ctx.ids["partnerships"]`` (id, ШНОР id, partner id), so that visits
can be made by the tutor school of a real pair and tutor users see their pairs.

How to write it: see ``courses.py`` and the worked example ``roadmaps.py``.
"""
NEEDS = ("Partnership",)
