"""« Vérification des exécuteurs »: a job that only waits and says which worker ran it. It checks a deployment
(each job of a batch runs once, a killed worker's job is failed with its message: docs/deploy.md) and costs
nothing; `cooperer check-workers` starts a batch."""

import os
import socket
import time

from cooperer.jobs.models import Job
from cooperer.jobs.services import job_handler, start_job

PROBE = "probe"


@job_handler(PROBE)
def probe(job: Job) -> dict:
    seconds = min(float(job.params.get("secondes", 0)), 600.0)
    job.report(10, "En attente")
    time.sleep(seconds)
    return {"machine": socket.gethostname(), "processus": os.getpid()}


def start_probes(count: int, seconds: float = 0.0, user=None) -> list[Job]:
    return [
        start_job(PROBE, f"Vérification des exécuteurs ({n + 1}/{count})", {"secondes": seconds}, user)
        for n in range(count)
    ]
