"""Test data builders, one module per area (``core`` for regions, municipalities, organisations,
staff and users; then ``roadmaps``, ``courses``, ``partnerships``…).

One naming rule: ``make_<thing>(…)`` creates one object (with what it cannot exist without) and
writes it; ``<thing>_world(…)`` builds a connected set of records for a scenario and returns a
small dataclass of them. ``tests/conftest.py`` holds only fixtures, which call these.
"""
