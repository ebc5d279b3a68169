import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Sert l'application et lance à côté un exécuteur de traitements (db_worker) : tout ce qu'il faut pour "
        "la démonstration, sans autre serveur. En production, lancez plutôt gunicorn et un ou plusieurs "
        "« cooperer db_worker » sur d'autres machines."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument(
            "--no-worker", action="store_true", help="ne pas lancer d'exécuteur de traitements"
        )

    def handle(self, *args, host, port, no_worker, **options):
        worker = None
        if not no_worker:
            worker = subprocess.Popen(
                [sys.executable, "-m", "cooperer.cli", "db_worker", "--interval", "0.5", "--no-startup-delay"]
            )
            self.stdout.write(f"Exécuteur de traitements lancé (processus {worker.pid}).")
        self.stdout.write(f"Coopérer : http://{host}:{port}/")
        try:
            call_command("runserver", f"{host}:{port}", use_reloader=False, use_threading=True)
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)
