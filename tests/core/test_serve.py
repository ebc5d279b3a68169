import http.client
import os
import socket
import subprocess
import sys
import time


def test_serve_answers_with_several_processes_and_stops_cleanly(tmp_path):
    """`make demo` ends with `cooperer serve`: the real server, on a throw-away database."""
    env = {**os.environ, "COOPERER_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "cooperer.settings.dev"}
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "cooperer.cli", "migrate", "-v", "0"], env=env, check=True)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cooperer.cli",
            "serve",
            "--no-worker",
            "--port",
            str(port),
            "--processes",
            "2",
            "--threads",
            "2",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline, status = time.monotonic() + 30, None
        while time.monotonic() < deadline and status is None:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/")
                response = connection.getresponse()
                status, body = response.status, response.read().decode()
            except OSError:
                time.sleep(0.2)
            finally:
                connection.close()
        assert status == 200 and "Coopérer" in body
        # DEBUG is off: a French 404 page, not Django's technical page listing every URL pattern.
        status, body = _get(port, "/notre-quartier/QN99999M/")
        assert status == 404 and "Page introuvable" in body and "URLconf" not in body
        status, body = _get(port, "/static/css/app.css")
        assert status == 200 and body  # static files are still served (WhiteNoise)
        # The embedded default's cache is in the database (its table made by `migrate`), shared by the processes.
        status, body = _get(port, "/sante/")
        assert status == 200 and '"cache": "ok"' in body
        shell = [sys.executable, "-m", "cooperer.cli", "shell", "-c"]
        subprocess.run([*shell, "from django.core.cache import cache; cache.set('vu', 'par un autre')"], env=env,
                       check=True)  # fmt: skip
        read = subprocess.run([*shell, "from django.core.cache import cache; print(cache.get('vu'))"], env=env,
                              check=True, capture_output=True, text=True)  # fmt: skip
        assert read.stdout.strip().splitlines()[-1] == "par un autre"
    finally:
        server.terminate()
        out, _err = server.communicate(timeout=20)
    assert f"http://127.0.0.1:{port}/" in out


def _get(port: int, path: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def test_the_served_demo_runs_without_debug_unless_asked(monkeypatch):
    from cooperer.core.management.commands.serve import served_environment

    monkeypatch.delenv("DJANGO_DEBUG", raising=False)
    monkeypatch.delenv("DJANGO_ALLOWED_HOSTS", raising=False)
    env = served_environment("192.168.1.20")
    assert env["DJANGO_DEBUG"] == "false"
    assert env["DJANGO_ALLOWED_HOSTS"] == "127.0.0.1,localhost,192.168.1.20"
    monkeypatch.setenv("DJANGO_DEBUG", "true")
    assert served_environment("127.0.0.1")["DJANGO_DEBUG"] == "true"
