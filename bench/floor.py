"""The floor: the smallest Flask page, served by the same gunicorn (and workers) as the app.

Whatever the app's pages cost above this page's time is the application's own work; the
ratio tells how far a page is from what the server, the network stack and the load driver
cost by themselves on this machine at that moment. It is NOT part of the application.
"""
from __future__ import annotations

from flask import Flask, render_template_string

floor_app = Flask(__name__)

PAGE = """<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>Пол</title></head>
<body><main><p>Минимальная страница Flask: {{ n }}</p></main></body></html>"""


@floor_app.get("/")
def page():
    return render_template_string(PAGE, n=1)
