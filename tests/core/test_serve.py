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
    finally:
        server.terminate()
        out, _err = server.communicate(timeout=20)
    assert f"http://127.0.0.1:{port}/" in out
