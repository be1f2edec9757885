"""The production server does not name itself: no ``Server: gunicorn`` header.

gunicorn is started with the project's gunicorn.conf.py on a socket this test has already bound
(``--bind fd://N``), so the request waits in the socket's backlog until the worker is up — no
polling, no sleeps — and the answer's headers are read as a client sees them.
"""
import http.client
import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_gunicorn_answers_without_a_server_header(tmp_path):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    port = sock.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
           "SHNOR_INSTANCE_DIR": str(tmp_path), "SECRET_KEY": "banner-test-key"}
    env.pop("TEST_DATABASE_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "-w", "1",
         "--bind", f"fd://{sock.fileno()}", "wsgi:app"],
        cwd=ROOT, env=env, pass_fds=[sock.fileno()], stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("GET", "/login")
        resp = conn.getresponse()
        resp.read()
        headers = {k.lower(): v for k, v in resp.getheaders()}
        assert resp.status == 200
        assert "server" not in headers, headers.get("server")
        assert headers.get("x-content-type-options") == "nosniff"
        conn.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        sock.close()
