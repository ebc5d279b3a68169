"""The production profile, for real: two web servers (gunicorn, production settings, Redis cache) and two workers
on one PostgreSQL database, started by .ci/production-profile. What one web process changes, the other shows
at once; each queued job runs once; a killed worker leaves no job « en cours »; Redis or PostgreSQL going away
makes clean failures, never lost writes, and the service comes back by itself."""

import datetime
import json
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import close_old_connections, connections
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from cooperer.accounts.enums import Role
from cooperer.actors.enums import LegalForm
from cooperer.actors.models import CooperationLink, Structure
from cooperer.calls.enums import ApplicationStatus
from cooperer.jobs.enums import JobStatus
from cooperer.jobs.models import Job, WorkerBeat
from cooperer.jobs.probe import start_probes
from cooperer.jobs.workers import LOST_MESSAGE
from tests.calls.fixtures import luhn_siret, make_rival
from tests.conftest import make_user, square

WEB_A, WEB_B = (
    os.environ.get("COOPERER_PROFILE_WEB") or "http://127.0.0.1:8811,http://127.0.0.1:8812"
).split(",")
LOGS = Path(os.environ.get("COOPERER_PROFILE_LOGS", "/tmp"))
CSRF = "profilproductionjetoncsrf0123456"  # 32 characters: Django's CSRF secret format


class Web:
    """One browser talking to one web server, signed in through a session row in the shared database."""

    def __init__(self, base: str, user=None):
        self.base = base
        self.http = requests.Session()
        self.http.cookies.set("csrftoken", CSRF)
        if user is not None:
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = "cooperer.accounts.backends.ThrottledModelBackend"
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.save()
            self.http.cookies.set("sessionid", session.session_key)

    def get(self, path: str, **params) -> requests.Response:
        return self.http.get(self.base + path, params=params, timeout=60, allow_redirects=False)

    def post(self, path: str, data: dict, files=None) -> requests.Response:
        return self.http.post(
            self.base + path, data={"csrfmiddlewaretoken": CSRF, **data}, files=files, timeout=60,
            allow_redirects=False,
        )  # fmt: skip


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        close_old_connections()
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"{what}: toujours pas après {seconds} s")


def admin():
    from cooperer.accounts.models import User

    return User.objects.filter(username="admin-profil@exemple.fr").first() or make_user(
        "admin-profil@exemple.fr", Role.ADMIN
    )


def test_what_one_web_process_changes_the_other_shows_at_once(application, call, territory, users, community):
    # 1. Application overlaps: B shows the competitor, A merges it into a consortium, B stops showing it.
    type(application).objects.filter(pk=application.pk).update(
        status=ApplicationStatus.SUBMITTED, submitted_at=timezone.now() - datetime.timedelta(days=1)
    )
    rival = make_rival(call, territory, timezone.now())
    instructor_a, instructor_b = Web(WEB_A, users["state_instructor"]), Web(WEB_B, users["state_instructor"])
    page = f"/appels/{call.pk}/demandes/{application.pk}/instruction/"
    for web in (instructor_a, instructor_b):
        seen = web.get(page)
        assert seen.status_code == 200, seen.text[:500]
        assert rival.title in seen.text and "Aucune demande proche" not in seen.text
    merged = instructor_a.post(
        f"/appels/{call.pk}/demandes/{application.pk}/consortium/", {"members": rival.pk}
    )
    assert merged.status_code == 302
    rival.refresh_from_db()
    assert rival.status == ApplicationStatus.MERGED
    assert "Aucune demande proche sur le territoire." in instructor_b.get(page).text

    # 2. A cooperation link declared through A is drawn by B in the community's network.
    the_community = community["community"]
    admin_a, admin_b = Web(WEB_A, users["admin"]), Web(WEB_B, users["admin"])
    drawing = f"/communautes/{the_community.pk}/reseau/"
    before = admin_b.get(drawing).text.count('class="net-edge"')
    admin_a.get(drawing)
    declared = admin_a.post(
        f"/acteurs/{community['carre'].pk}/liens/nouveau/",
        {
            "target": community["caf"].pk,
            "kind": "cofinancement",
            "start": "2024-01-15",
            "description": "profil",
        },
    )
    assert declared.status_code == 302, declared.text[:500]
    assert admin_b.get(drawing).text.count('class="net-edge"') == before + 1

    # 3. A QPV contour imported through A (the import runs in a worker) is found by B's locator.
    point = {"lon": "4.355", "lat": "45.455"}
    assert admin_b.get("/territoires/qpv-au-point/", **point).json()["qpv"] is None
    feature = {
        "type": "Feature",
        "properties": {"code_qp": "QN04299M", "lib_qp": "Quartier du profil (fictif)", "insee_com": "42218"},
        "geometry": square(4.35, 45.45),
    }
    geojson = json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()
    started = admin_a.post(
        "/territoires/import/", {}, files={"file": ("qpv.geojson", geojson, "application/json")}
    )
    assert started.status_code == 302, started.text[:500]
    job = Job.objects.filter(kind="import_reference").latest("pk")
    wait_for(lambda: Job.objects.get(pk=job.pk).is_finished, 60, "import des contours")
    assert Job.objects.get(pk=job.pk).status == JobStatus.SUCCEEDED, Job.objects.get(pk=job.pk).message
    found = admin_b.get("/territoires/qpv-au-point/", **point).json()["qpv"]
    assert found == {"code": "QN04299M", "nom": "Quartier du profil (fictif)"}


def test_fifty_jobs_are_each_run_exactly_once_by_the_two_workers(db):
    jobs = start_probes(50, seconds=0.1)
    ids = [job.pk for job in jobs]
    wait_for(
        lambda: (
            Job.objects.filter(pk__in=ids, status__in=[JobStatus.SUCCEEDED, JobStatus.FAILED]).count() == 50
        ),
        120,
        "les 50 traitements",
    )
    done = list(Job.objects.filter(pk__in=ids))
    assert {job.status for job in done} == {JobStatus.SUCCEEDED}
    tasks = [
        task
        for task in DBTaskResult.objects.filter(task_path="cooperer.jobs.services.run_job")
        if task.args_kwargs["args"][0] in ids
    ]
    assert len(tasks) == 50
    assert all(task.status == TaskResultStatus.SUCCESSFUL and len(task.worker_ids) == 1 for task in tasks)
    assert {task.worker_ids[0] for task in tasks} == {"ci-worker-1", "ci-worker-2"}  # both took their share
    assert len({job.result["processus"] for job in done}) == 2


def redis(*args: str) -> None:
    port = os.environ.get("COOPERER_PROFILE_REDIS_PORT", "8819")
    subprocess.run(["redis-cli", "-p", port, *args], check=False, capture_output=True, timeout=30)


def test_pages_still_answer_while_redis_is_down_and_health_says_so(db):
    web = Web(WEB_A, admin())
    port = os.environ.get("COOPERER_PROFILE_REDIS_PORT", "8819")
    redis("shutdown", "nosave")
    try:
        assert web.get("/").status_code == 200
        assert web.get("/territoires/qpv-au-point/", lon="4.405", lat="45.425").status_code == 200
        health = web.get("/sante/")
        assert health.status_code == 503 and health.json() == {"base": "ok", "cache": "erreur"}
        assert health.headers["X-Request-ID"]
    finally:
        subprocess.run(
            ["redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "yes", "--logfile", str(LOGS / "redis.log")],
            check=True, capture_output=True, timeout=30,
        )  # fmt: skip
    wait_for(lambda: web.get("/sante/").status_code == 200, 20, "retour de Redis")
    warnings = [
        json.loads(line)
        for line in (LOGS / "web-8811.log").read_text(encoding="utf-8").splitlines()
        if "Cache Redis injoignable" in line
    ]
    assert warnings and warnings[0]["level"] == "WARNING" and warnings[0]["request_id"]


def pg_ctl(*args: str) -> None:
    command = os.environ["COOPERER_PROFILE_PG"].split() + list(args)
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    # The server started again keeps its output: to its log, never to a pipe this process would wait on.
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)


@pytest.mark.skipif(not os.environ.get("COOPERER_PROFILE_PG"), reason="PostgreSQL du profil seulement")
def test_a_postgresql_restart_under_load_loses_no_acknowledged_write(db):
    user = admin()
    source = Structure.objects.create(name="Source de charge (fictive)", legal_form=LegalForm.ASSOCIATION,
                                      siret=luhn_siret(901))  # fmt: skip
    target = Structure.objects.create(name="Cible de charge (fictive)", legal_form=LegalForm.ASSOCIATION,
                                      siret=luhn_siret(902))  # fmt: skip
    acknowledged, failed, broken, stop = [], [], [], threading.Event()

    def load(web: Web, prefix: str):
        n = 0
        while not stop.is_set():
            n += 1
            label = f"{prefix}-{n}"
            try:
                answer = web.post(f"/acteurs/{source.pk}/liens/nouveau/",
                                  {"target": target.pk, "kind": "partenariat", "description": label})  # fmt: skip
            except requests.RequestException as exc:
                broken.append((label, exc))
                continue
            (acknowledged if answer.status_code == 302 else failed).append((label, answer.status_code))
            time.sleep(0.02)

    threads = [
        threading.Thread(target=load, args=(Web(base, user), base[-4:]), daemon=True)
        for base in (WEB_A, WEB_B)
    ]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1.5)
        connections.close_all()
        pg_ctl("restart", "-m", "fast", "-w")
        time.sleep(2.0)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    connections.close_all()
    assert acknowledged, "aucune écriture acceptée"
    assert broken == []  # the servers never dropped a request: they answered each one
    assert {code for _, code in failed} <= {500, 503}  # a clean error page while the database was away
    stored = set(CooperationLink.objects.filter(source=source).values_list("description", flat=True))
    assert {label for label, _ in acknowledged} <= stored  # no acknowledged write lost
    assert Web(WEB_A, user).get("/sante/").status_code == 200  # back by itself
    assert Web(WEB_B, user).get("/sante/").status_code == 200
    (job,) = start_probes(1)  # and so are the workers
    wait_for(
        lambda: Job.objects.get(pk=job.pk).status == JobStatus.SUCCEEDED, 30, "traitement après redémarrage"
    )


def test_a_worker_killed_mid_job_leaves_it_failed_with_its_message_not_running(db):
    (job,) = start_probes(1, seconds=60)
    wait_for(lambda: Job.objects.get(pk=job.pk).status == JobStatus.RUNNING, 30, "début du traitement")
    task = next(
        t
        for t in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
        if t.args_kwargs["args"] == [job.pk]
    )
    worker = WorkerBeat.objects.get(worker_id=task.worker_ids[-1])
    os.kill(worker.pid, signal.SIGKILL)
    wait_for(lambda: Job.objects.get(pk=job.pk).is_finished, 40, "traitement de l'exécuteur tué")
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.message == LOST_MESSAGE[:300]
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    (after,) = start_probes(1)  # the surviving worker goes on
    wait_for(lambda: Job.objects.get(pk=after.pk).status == JobStatus.SUCCEEDED, 30, "traitement suivant")
