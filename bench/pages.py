"""Page throughput against the floor: the key pages served by gunicorn with the production settings, on the
national data set (`cooperer generate-national`), compared with a bare Django view of the same server.

Issue targets: at 32 concurrent connections, every key page serves ≥ 20 % of the floor's requests per second with
p99 ≤ 300 ms, on SQLite and PostgreSQL; the public pages are cacheable (ETag / Cache-Control) and ≥ 50 %.

What runs: gunicorn as `cooperer serve --no-worker` starts it (`--workers` processes, gthread, 4 threads each),
with `bench/floor_settings.py` = `cooperer.settings.prod` + `/plancher/` (a view returning « plancher »; the product
ships neither). Requests carry `X-Forwarded-Proto: https`, as behind the TLS proxy prod.py expects. The accounts of
the data set (admin, animatrice, délégué du préfet, membre d'une structure) log in through the login form first;
each page is then driven by `--connections` keep-alive connections of an asyncio client (standard library only,
one process; each reopened after 100 requests, so that no server process keeps most of them for a whole window)
for `--duration` seconds after a one-second warm-up: requests per second, p50 and p99 of the
latencies seen by the client, non-200 answers. The floor is measured first and last (`floor`, `floor_end`); ratios
use the first. The public form POST sends a contribution per request (each with « (fictif) » in its text and
marked `is_demo` afterwards); it is answered by a 303 to the thanks page, measured as a public page of its own.
`COOPERER_PUBLIC_FORM_PER_MINUTE=0` lifts the per-address limit for the run, since every request comes from
127.0.0.1.

Database: DATABASE_URL (PostgreSQL), or the SQLite file of COOPERER_VAR_DIR (`--var-dir`, by default
var/national). An empty database is first filled with `generate-national --scale --seed` (timed,
`generation_s`); a filled one is used as it is.

Run: PYTHONPATH=. .venv/bin/python bench/pages.py [--scale 1.0] [--duration 10] [--connections 32]
     PYTHONPATH=. .venv/bin/python bench/pages.py --scale 0.02 --duration 3     # small, a few minutes
"""

import argparse
import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cooperer.core.management.commands.serve import THREADS  # noqa: E402  (the server's own setting)

PUBLIC_GOAL, PAGE_GOAL, P99_GOAL_MS = 0.5, 0.2, 300
EXPECTED = {"revalidate": 304, "post": 303}  # a contribution received sends the visitor on to the thanks page
# Each connection is closed after this many requests and opened again: a keep-alive connection stays with the
# server process that accepted it, and 32 of them kept for a whole window may all land on one process of two.
REQUESTS_PER_CONNECTION = 100
TIMEOUT_S = 60  # a request without an answer after this long counts as a failure (status 599)
FORM_TEXT = "Un banc pour les anciens près de l'arrêt de bus (contribution fictive du banc d'essai)."


def log(message: str) -> None:
    print(f"[bench pages] {message}", file=sys.stderr, flush=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Débit des pages clés comparé à une vue Django nue.")
    parser.add_argument(
        "--scale", type=float, default=1.0, help="échelle du jeu national si la base est vide"
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--reference-dir", default=None, help="fichiers officiels (sinon COOPERER_REFERENCE_DIR)"
    )
    parser.add_argument("--squares", action="store_true", help="jeu national sans fichiers officiels")
    parser.add_argument("--var-dir", default=str(ROOT / "var" / "national"))
    parser.add_argument("--port", type=int, default=8821)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--threads", type=int, default=THREADS)  # as `cooperer serve`
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=float, default=10.0, help="secondes de charge par page")
    parser.add_argument("--only", default="", help="noms de pages séparés par des virgules")
    return parser.parse_args()


def server_environment(args) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.floor_settings",
        DJANGO_SECRET_KEY=env.get("DJANGO_SECRET_KEY", "banc-essai-pages-" + "x" * 40),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        COOPERER_VAR_DIR=args.var_dir,
        COOPERER_PUBLIC_FORM_PER_MINUTE="0",
        REDIS_URL=env.get("REDIS_URL", "redis://127.0.0.1:6379/7"),
        DJANGO_DEBUG="false",
        PYTHONPATH=str(ROOT),
    )
    env.setdefault("DATABASE_CONN_MAX_AGE", "60")
    return env


# -- a small HTTP/1.1 client ---------------------------------------------------------------------------------------


class Connection:
    def __init__(self, port: int):
        self.port, self.reader, self.writer = port, None, None

    async def open(self):
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    async def request(self, raw: bytes) -> tuple[int, dict, bytes]:
        if self.writer is None:
            await self.open()
        self.writer.write(raw)
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers.setdefault(name.strip().lower(), []).append(value.strip())
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"][0]))
        elif "chunked" in ",".join(headers.get("transfer-encoding", [])):
            parts = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                parts.append(await self.reader.readexactly(size + 2))
                if size == 0:
                    break
            body = b"".join(part[:-2] for part in parts)
        elif status in (204, 304):
            body = b""
        else:
            body = await self.reader.read()
            self.close()
        if "close" in ",".join(headers.get("connection", [])).lower():
            self.close()
        return status, headers, body

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def build_request(
    port: int, method: str, path: str, cookies: dict, body: bytes = b"", extra: dict | None = None
):
    headers = {
        "Host": f"127.0.0.1:{port}", "X-Forwarded-Proto": "https", "User-Agent": "cooperer-bench-pages",
        "Accept": "text/html", "Connection": "keep-alive",
    }  # fmt: skip
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if method == "POST":
        headers.update({
            "Content-Type": "application/x-www-form-urlencoded", "Content-Length": str(len(body)),
            "Origin": f"https://127.0.0.1:{port}", "Referer": f"https://127.0.0.1:{port}{path}",
        })  # fmt: skip
    headers.update(extra or {})
    head = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    return head.encode("latin-1") + body


def cookies_of(headers: dict) -> dict:
    found = {}
    for value in headers.get("set-cookie", []):
        name, _, rest = value.partition("=")
        found[name.strip()] = rest.split(";", 1)[0]
    return found


async def fetch(port, method, path, cookies, body=b"", extra=None):
    connection = Connection(port)
    try:
        return await connection.request(build_request(port, method, path, cookies, body, extra))
    finally:
        connection.close()


async def login(port: int, username: str, password: str) -> dict:
    status, headers, body = await fetch(port, "GET", "/comptes/connexion/", {})
    cookies = cookies_of(headers)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": username, "password": password})
    status, headers, _ = await fetch(port, "POST", "/comptes/connexion/", cookies, form.encode())
    cookies.update(cookies_of(headers))
    if status != 302 or "sessionid" not in cookies:
        raise SystemExit(f"connexion refusée pour {username} (HTTP {status})")
    return cookies


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    position = (len(ordered) - 1) * share
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


async def drive(port: int, raw: bytes, connections: int, duration: float, warmup: float = 1.0) -> dict:
    latencies, statuses, stop, done = [], {}, {"at": 0.0, "record_from": 0.0}, {"in_window": 0}

    async def worker():
        connection, sent = Connection(port), 0
        try:
            while time.perf_counter() < stop["at"]:
                if sent == REQUESTS_PER_CONNECTION:  # a new connection, which the kernel hands to any process
                    connection.close()
                    sent = 0
                sent += 1
                began = time.perf_counter()
                try:
                    status, _headers, _body = await asyncio.wait_for(connection.request(raw), TIMEOUT_S)
                except (ConnectionError, asyncio.IncompleteReadError, TimeoutError):
                    connection.close()
                    status = 599
                ended = time.perf_counter()
                if (
                    began >= stop["record_from"]
                ):  # a request started in the window counts, even if it ends after
                    latencies.append((ended - began) * 1000)
                    statuses[status] = statuses.get(status, 0) + 1
                    done["in_window"] += ended <= stop["at"]
        finally:
            connection.close()

    now = time.perf_counter()
    stop["record_from"], stop["at"] = now + warmup, now + warmup + duration
    await asyncio.gather(*(worker() for _ in range(connections)))
    count = done["in_window"]
    return {
        "requests": len(latencies), "req_s": round(count / duration, 1), "p50_ms": round(percentile(latencies, 0.5), 1),
        "p99_ms": round(percentile(latencies, 0.99), 1), "statuses": {str(k): v for k, v in sorted(statuses.items())},
    }  # fmt: skip


# -- the data set and the pages ------------------------------------------------------------------------------------


def prepare(args) -> dict:
    """Migrates, fills an empty database with the national data set, collects the static files."""
    for name, value in server_environment(args).items():
        os.environ[name] = value
    Path(args.var_dir).mkdir(parents=True, exist_ok=True)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from cooperer.core import national

    call_command("migrate", verbosity=0, interactive=False)
    figures = {}
    if national.is_empty():
        folder = (
            ""
            if args.squares
            else (settings.COOPERER_REFERENCE_DIR if args.reference_dir is None else args.reference_dir)
        )
        log(f"base vide : génération du jeu national, échelle {args.scale}, graine {args.seed}")
        began = time.perf_counter()
        summary = national.NationalDataset(
            scale=args.scale, seed=args.seed, reference_dir=folder, log=log
        ).generate()
        figures["generation_s"] = round(time.perf_counter() - began, 1)
        figures["generation"] = summary
    call_command("collectstatic", interactive=False, verbosity=0)
    return figures


def pages() -> list[tuple[str, str, str | None, str]]:
    """(name, path, account, kind): kind is "page", "public", "revalidate" (a public page asked again with its
    ETag: a browser or proxy that kept it), "form" or "post"."""
    from django.urls import reverse

    from cooperer.core import national

    t = national.bench_targets()
    qpv, epci = t["qpv"], t["epci"]
    return [
        ("home_admin", reverse("core:home"), "admin", "page"),
        ("home_animatrice", reverse("core:home"), "animatrice", "page"),
        ("home_delegue_prefet", reverse("core:home"), "delegue.prefet", "page"),
        ("home_membre", reverse("core:home"), "membre", "page"),
        ("qpv_page", reverse("territories:qpv", args=[qpv.code]), "animatrice", "page"),
        ("directory_search", reverse("actors:directory") + "?q=association", "animatrice", "page"),
        ("network", reverse("actors:network"), "animatrice", "page"),
        ("contributions_list", reverse("consultations:contributions", args=[t["consultation"].pk]), "animatrice", "page"),
        ("vision", reverse("visions:detail", args=[t["vision"].pk]), "animatrice", "page"),
        ("committee", reverse("calls:committee", args=[t["call"].pk]), "delegue.prefet", "page"),
        ("instruction_report", reverse("calls:instruction", args=[t["call"].pk, t["application"].pk]), "animatrice", "page"),
        ("community", reverse("communities:detail", args=[t["community"].pk]), "animatrice", "page"),
        ("public_vision", reverse("public_vision", args=[qpv.code]), None, "public"),
        ("public_follow_up", reverse("public_follow_up", args=[qpv.code]), None, "public"),
        ("public_directory", reverse("public_directory", args=[epci.siren]), None, "public"),
        ("public_vision_304", reverse("public_vision", args=[qpv.code]), None, "revalidate"),
        ("public_follow_up_304", reverse("public_follow_up", args=[qpv.code]), None, "revalidate"),
        ("public_directory_304", reverse("public_directory", args=[epci.siren]), None, "revalidate"),
        ("public_form", reverse("public_form", args=[t["session"].token]), None, "form"),
        ("public_form_post", reverse("public_form", args=[t["session"].token]), None, "post"),
        ("public_thanks", reverse("public_thanks", args=[t["session"].token]), None, "public"),
    ]  # fmt: skip


def start_server(args) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "gunicorn", "cooperer.wsgi:application", "--bind", f"127.0.0.1:{args.port}",
        "--workers", str(args.workers), "--worker-class", "gthread", "--threads", str(args.threads),
        "--graceful-timeout", "5", "--log-level", "warning", "--backlog", "2048",
    ]  # fmt: skip
    server = subprocess.Popen(command, env=server_environment(args), cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _h, _b = asyncio.run(fetch(args.port, "GET", "/plancher/", {}))
            if status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    stop_server(server)
    raise SystemExit("le serveur n'a pas répondu")


def stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


async def run_load(args, page_list, accounts: dict, password: str) -> dict:
    sessions = {}
    for account in sorted({a for _n, _p, a, _k in page_list if a}):
        sessions[account] = await login(args.port, accounts[account], password)
    results = {}
    floor_raw = build_request(args.port, "GET", "/plancher/", {})
    log("plancher…")
    results["floor"] = await drive(args.port, floor_raw, args.connections, args.duration)
    log(f"plancher : {results['floor']}")
    for name, path, account, kind in page_list:
        cookies = dict(sessions.get(account, {}))
        status, headers, body = await fetch(args.port, "GET", path, cookies)
        check = {"status": status, "kb": round(len(body) / 1024, 1), "etag": bool(headers.get("etag")),
                 "cache_control": ", ".join(headers.get("cache-control", []))}  # fmt: skip
        if kind in ("page", "public"):  # asked again: answered from the shared cache (core/pagecache.py)?
            _s, again_headers, _b = await fetch(args.port, "GET", path, cookies)
            check["page_cache"] = ", ".join(again_headers.get("x-page-cache", [])) or "non"
        if kind == "public" and headers.get("etag"):
            again, _h, _b = await fetch(
                args.port, "GET", path, {}, extra={"If-None-Match": headers["etag"][0]}
            )
            check["revalidated_status"] = again
        if kind == "post":
            cookies.update(cookies_of(headers))
            token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
            form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "kind": "proposition", "text": FORM_TEXT,
                                           "anonymous": "on", "consent": "on", "website": ""})  # fmt: skip
            raw = build_request(args.port, "POST", path, cookies, form.encode())
            status, _h, _b = await fetch(args.port, "POST", path, cookies, form.encode())
            check["status"] = status
        elif kind == "revalidate":
            raw = build_request(args.port, "GET", path, cookies, extra={"If-None-Match": headers["etag"][0]})
        else:
            raw = build_request(args.port, "GET", path, cookies)
        if check["status"] != EXPECTED.get(kind, 200):
            log(f"{name} : HTTP {check['status']} sur {path}")
        result = await drive(args.port, raw, args.connections, args.duration)
        results[name] = {"path": path, "account": account, "kind": kind, **check, **result}
        log(f"{name} : {results[name]}")
    results["floor_end"] = await drive(args.port, floor_raw, args.connections, args.duration)
    log(f"plancher (fin) : {results['floor_end']}")
    return results


def judge(results: dict) -> dict:
    floor = results["floor"]["req_s"] or 1
    table = {}
    for name, row in results.items():
        if name.startswith("floor"):
            continue
        public = row["kind"] in ("public", "revalidate")
        goal = PUBLIC_GOAL if public else PAGE_GOAL
        ratio = round(row["req_s"] / floor, 3)
        ok_status = set(row["statuses"]) == {str(EXPECTED.get(row["kind"], 200))}
        met = ratio >= goal and row["p99_ms"] <= P99_GOAL_MS and ok_status
        if row["kind"] == "public":
            met = (
                met
                and row["etag"]
                and "max-age" in row["cache_control"]
                and row.get("revalidated_status") == 304
            )
        table[name] = {**row, "ratio": ratio, "goal_ratio": goal, "met": met}
    return table


def database_version(connection) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        return cursor.fetchone()[0].split(" ")[0]


def main() -> None:
    args = parse_args()
    load_start = os.getloadavg()
    figures = prepare(args)
    from django.db import connection

    from cooperer.consultations.models import Contribution
    from cooperer.core import national

    page_list = pages()
    if args.only:
        wanted = set(args.only.split(","))
        page_list = [p for p in page_list if p[0] in wanted]
    data = national.key_figures()
    targets = national.bench_targets()
    connection.close()
    server = start_server(args)
    try:
        results = asyncio.run(run_load(args, page_list, targets["accounts"], targets["password"]))
    finally:
        stop_server(server)
    Contribution.objects.filter(text=FORM_TEXT).update(is_demo=True)
    table = judge(results)
    print(json.dumps({
        "bench": "pages", "database": connection.vendor, "database_version": database_version(connection),
        **figures, "data": {k: v for k, v in data.items() if k not in ("links_by_kind",)},
        "server": {"workers": args.workers, "threads": args.threads, "worker_class": "gthread",
                   "settings": "bench.floor_settings (cooperer.settings.prod + /plancher/)",
                   "conn_max_age": os.environ.get("DATABASE_CONN_MAX_AGE")},
        "load": {"connections": args.connections, "duration_s": args.duration},
        "floor": results["floor"], "floor_end": results["floor_end"], "pages": table,
        "goals": {"ratio": PAGE_GOAL, "public_ratio": PUBLIC_GOAL, "p99_ms": P99_GOAL_MS},
        "met": all(row["met"] for row in table.values()),
        "cpus": os.cpu_count(), "load_avg_1m": [round(load_start[0], 2), round(os.getloadavg()[0], 2)],
        "python": sys.version.split()[0],
    }, ensure_ascii=False))  # fmt: skip


if __name__ == "__main__":
    main()
