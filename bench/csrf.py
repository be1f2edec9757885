"""Where a page carries its CSRF token, read the same way by the load driver and in-process.

Kept apart from bench/driver.py so that the unit test of the harness (which sends the driver's
requests through the test client) needs no HTTP client library installed (``make install``
has no httpx; ``make bench`` adds it).
"""
from __future__ import annotations

import re

HIDDEN_CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')  # the login form's field
VALUE = re.compile(r'value="([^"]+)"')
HX_CSRF = re.compile(r'"X-CSRFToken":\s*"([^"]+)"')             # <body hx-headers=…>
