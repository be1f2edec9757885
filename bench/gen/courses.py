"""Courses (КПК) and enrollments — to be written when the courses branch is merged.

Target (``Scale``): ``courses`` courses (400) of the region's institute and of the municipal
authorities, 16–144 hours, topic areas of DOMAIN.md §4.5 (a quarter on work with low-achieving
pupils, a quarter for management teams of ШНОР), dates over the last 3 years and this one;
``enrollments`` enrollments (80 000) of staff from ``ctx.ids["staff_by_school"]`` — teachers of
this year's ШНОР (``ctx.ids["low_results"]``) about twice as often as others, statuses
заявка / обучается / завершил / не завершил in a realistic mix (most past courses completed,
with a completion date and a certificate number), so that the municipality course report
(share of teachers trained in 3 years, list of trained, teachers with no course) has real work.

Leave for the scenarios: ``ctx.ids["courses"]``.

How to write it: copy the shape of ``roadmaps.py`` — take ids with ``ctx.take_ids(Model, n)``,
build dicts with every column (``ctx.stamp`` fills created/updated/created_by), then
``ctx.insert(Model, rows)``; set ``search_text`` yourself (``base.search_text``) if a model is
searchable. Then add a ``generate(ctx)`` function here. Until this module has ``generate``,
the generator refuses to run once the models below exist (so the bench cannot quietly lose
this area).
"""
NEEDS = ("Course", "Enrollment")
