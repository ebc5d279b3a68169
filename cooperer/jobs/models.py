"""A Job is what a person sees of a long piece of work: its progress, its outcome, its errors.
The work itself runs in the task queue (django-tasks, database backend; docs/adr/001-job-queue.md)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from cooperer.jobs.enums import JobStatus


class JobQuerySet(models.QuerySet):
    def visible_to(self, user):
        from cooperer.accounts.permissions import is_platform_admin

        if is_platform_admin(user):
            return self
        return self.filter(created_by=user)


class Job(models.Model):
    kind = models.CharField("type", max_length=60)
    label = models.CharField("libellé", max_length=300)
    status = models.CharField("état", max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField("avancement (%)", default=0)
    message = models.CharField("étape", max_length=300, blank=True, default="")
    params = models.JSONField("paramètres", default=dict, blank=True)
    result = models.JSONField("résultat", default=dict, blank=True)
    errors = models.JSONField("erreurs", default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="jobs"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "traitement"

    def __str__(self):
        return self.label

    def get_absolute_url(self):
        return reverse("jobs:detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in {JobStatus.SUCCEEDED, JobStatus.FAILED}

    def report(self, progress: int, message: str) -> None:
        """Record progress; written straight away so that the progress page sees it."""
        self.progress = max(0, min(100, int(progress)))
        self.message = message[:300]
        Job.objects.filter(pk=self.pk).update(progress=self.progress, message=self.message)


class DailyRun(models.Model):
    """The last day a daily task was started: the row each process checks, so that it starts once a day."""

    name = models.CharField("tâche", max_length=60, unique=True)
    last_run_on = models.DateField("dernier lancement", null=True, blank=True)

    class Meta:
        verbose_name = "tâche quotidienne"

    def __str__(self):
        return f"{self.name} ({self.last_run_on or 'jamais'})"


class WorkerBeat(models.Model):
    """The last sign of life of one `cooperer db_worker` (jobs/workers.py): a task whose worker has given none
    for the lease is abandoned (the worker was killed or its machine lost) and is retried or marked failed."""

    worker_id = models.CharField("exécuteur", max_length=64, unique=True)
    host = models.CharField("machine", max_length=255, blank=True, default="")
    pid = models.PositiveIntegerField("processus", null=True, blank=True)
    started_at = models.DateTimeField("démarré le", default=timezone.now)
    beat_at = models.DateTimeField("dernier signe de vie", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "exécuteur de traitements"
        verbose_name_plural = "exécuteurs de traitements"

    def __str__(self):
        return f"{self.host}:{self.pid} ({self.worker_id[:8]})"
