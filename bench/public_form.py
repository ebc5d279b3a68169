"""Load test of a consultation's public form on the embedded default (SQLite, `cooperer serve`).

Target (issue): the public form accepts 200 submissions per second without losing one. The script prepares a
throw-away SQLite database with one open consultation and one session, starts the real server
(`cooperer serve --no-worker`, the command `make demo` runs) on 127.0.0.1, then posts `--submissions` forms
from `--clients` threads, each with its own keep-alive connection, as fast as the server answers, within
`--timeout` seconds. It prints one JSON object: the rate achieved, latencies, how many submissions were
acknowledged (HTTP 303 to the thank-you page), how many rows are in the database afterwards, and
`lost` = acknowledged − stored, which must be 0.

The per-address rate limit (COOPERER_PUBLIC_FORM_PER_MINUTE) is switched off for the run: every request comes
from 127.0.0.1, where it would rightly slow a flood to a few per minute.

    .venv/bin/python bench/public_form.py                       # 4,000 submissions, 16 clients
    .venv/bin/python bench/public_form.py --submissions 10000 --clients 32
"""

import argparse
import http.client
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def log(message: str) -> None:
    print(f"[bench public_form] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(env: dict) -> str:
    """Migrate the throw-away database and create one open consultation with one session; its token."""
    script = (
        "import datetime, django; django.setup()\n"
        "from cooperer.territories.models import Epci\n"
        "from cooperer.consultations.models import Consultation, Session\n"
        "epci = Epci.objects.create(siren='244200770', name='Saint-Étienne Métropole')\n"
        "c = Consultation.objects.create(title='Bench', epci=epci, starts_on=datetime.date(2026, 1, 1),"
        " ends_on=datetime.date(2030, 1, 1), status='ouverte')\n"
        "s = Session.objects.create(consultation=c, audience='habitants', format='questionnaire_en_ligne',"
        " date=datetime.date(2026, 1, 1))\n"
        "print(s.token)\n"
    )
    subprocess.run([sys.executable, "-m", "cooperer.cli", "migrate", "-v", "0"], env=env, check=True)
    done = subprocess.run([sys.executable, "-c", script], env=env, check=True, capture_output=True, text=True)
    return done.stdout.strip().splitlines()[-1]


def wait_for(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("Le serveur n'a pas démarré à temps.")


def csrf(port: int, path: str) -> tuple[str, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read().decode()
    cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "").group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    connection.close()
    return cookie, token


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=4000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--timeout", type=float, default=120.0, help="durée maximale de l'envoi (secondes)")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="cooperer-bench-form-")
    env = {
        **os.environ,
        "COOPERER_VAR_DIR": folder,
        "DJANGO_SETTINGS_MODULE": "cooperer.settings.dev",
        "COOPERER_PUBLIC_FORM_PER_MINUTE": "0",
        "COOPERER_LOG_LEVEL": "WARNING",
    }
    env.pop("DATABASE_URL", None)
    token = prepare(env)
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cooperer.cli",
            "serve",
            "--no-worker",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(port)
        path = f"/c/{token}/"
        cookie, csrf_token = csrf(port, path)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookie}",
            "Referer": f"http://127.0.0.1:{port}{path}",
        }
        counter = iter(range(args.submissions))
        lock = threading.Lock()
        acknowledged, failures, latencies = [], [], []
        deadline = time.monotonic() + args.timeout

        def client():
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            while time.monotonic() < deadline:
                with lock:
                    number = next(counter, None)
                if number is None:
                    break
                body = urllib.parse.urlencode(
                    {
                        "csrfmiddlewaretoken": csrf_token,
                        "kind": "proposition",
                        "text": f"Contribution de charge numéro {number} : un jardin partagé 🌱 au pied des immeubles.",
                        "anonymous": "on",
                        "consent": "on",
                    }
                )
                began = time.perf_counter()
                try:
                    connection.request("POST", path, body, headers)
                    response = connection.getresponse()
                    response.read()  # the body of the 303, to keep the connection usable
                except (OSError, http.client.HTTPException) as error:
                    failures.append(f"{number}: {error.__class__.__name__}")
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    continue
                elapsed = time.perf_counter() - began
                if response.status == 303 and (response.getheader("Location") or "").endswith("/merci/"):
                    acknowledged.append(number)
                    latencies.append(elapsed)
                else:
                    failures.append(f"{number}: HTTP {response.status}")
            connection.close()

        log(f"{args.submissions} envois, {args.clients} clients")
        began = time.perf_counter()
        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
    finally:
        server.terminate()
        server.wait(timeout=30)
    database = sqlite3.connect(Path(folder) / "cooperer.sqlite3")
    stored = database.execute("SELECT count(*) FROM consultations_contribution").fetchone()[0]
    database.close()
    latencies.sort()
    rate = len(acknowledged) / elapsed if elapsed else 0.0
    result = {
        "bench": "public_form",
        "server": "cooperer serve (gunicorn gthread, one process per core, SQLite WAL)",
        "submissions": args.submissions,
        "clients": args.clients,
        "acknowledged": len(acknowledged),
        "stored": stored,
        "lost": len(acknowledged) - stored,
        "failures": len(failures),
        "failure_examples": failures[:5],
        "elapsed_s": round(elapsed, 2),
        "submissions_per_s": round(rate, 1),
        "p50_ms": round(latencies[len(latencies) // 2] * 1000, 1) if latencies else None,
        "p95_ms": round(latencies[int(len(latencies) * 0.95)] * 1000, 1) if latencies else None,
        "target_per_s": 200,
        "meets_target": rate >= 200 and stored == len(acknowledged) and not failures,
        "cpus": os.cpu_count(),
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
