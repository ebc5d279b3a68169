import os
import signal
import subprocess
import sys

from django.core.management.base import BaseCommand

# Threads of a web process: enough to overlap the database's answers, few enough that they do not queue for the
# interpreter's lock and, on SQLite, for the database's write lock (measured with bench/pages.py: 4 threads serve
# the public form's submissions faster and with a p99 half that of 8, the other pages as fast).
THREADS = 4


def _stop(signum, frame):
    raise SystemExit(0)


def served_environment(host: str) -> dict[str, str]:
    """What the served application runs with: the demo behaves like the product, so DEBUG is off (French error
    pages, no technical page listing the URLs) unless DJANGO_DEBUG says otherwise; the address served is allowed."""
    env = dict(os.environ)
    env.setdefault("DJANGO_DEBUG", "false")
    env.setdefault("DJANGO_ALLOWED_HOSTS", ",".join(dict.fromkeys(["127.0.0.1", "localhost", host])))
    return env


class Command(BaseCommand):
    help = (
        "Sert l'application et lance à côté un exécuteur de traitements (db_worker) : tout ce qu'il faut pour "
        "la démonstration, sans autre serveur. En production, lancez « cooperer serve --no-worker » sur chaque "
        "serveur web et un ou plusieurs « cooperer db_worker » sur d'autres machines (docs/deploy.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument(
            "--no-worker", action="store_true", help="ne pas lancer d'exécuteur de traitements"
        )
        parser.add_argument(
            "--processes",
            type=int,
            default=os.cpu_count() or 2,
            help="processus web (par défaut : un par cœur)",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=THREADS,
            help=f"fils par processus web (par défaut : {THREADS})",
        )

    def handle(self, *args, host, port, no_worker, processes, threads, **options):
        env = served_environment(host)
        worker = None
        if not no_worker:
            worker = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "cooperer.cli",
                    "db_worker",
                    "--interval",
                    "0.5",
                    "--no-startup-delay",
                ],
                env=env,
            )
            self.stdout.write(f"Exécuteur de traitements lancé (processus {worker.pid}).")
        self.stdout.write(f"Coopérer : http://{host}:{port}/ (Ctrl+C pour arrêter)")
        # gunicorn, as in production: several processes (the GIL would cap one), persistent connections.
        command = [
            sys.executable, "-m", "gunicorn", "cooperer.wsgi:application", "--bind", f"{host}:{port}",
            "--workers", str(max(1, processes)), "--worker-class", "gthread", "--threads", str(max(1, threads)),
            "--graceful-timeout", "5", "--log-level", "warning",
        ]  # fmt: skip
        server = subprocess.Popen(command, env=env)
        signal.signal(signal.SIGTERM, _stop)  # stopped by a supervisor: stop the children too
        try:
            server.wait()
        except (KeyboardInterrupt, SystemExit):
            server.terminate()
            server.wait(timeout=10)
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)
