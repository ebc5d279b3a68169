"""What jobs offer the home page: a person's recent imports and computations (an administrator's are everyone's),
what failed, and for administrators the reference imports."""

from django.db.models import Count, Q
from django.urls import reverse

from cooperer.accounts.permissions import animated_epci_ids, can_import_reference_data
from cooperer.core.home import Entry, Line, Section
from cooperer.jobs.enums import JobStatus
from cooperer.jobs.models import Job

RECENT = 5


def section(user) -> Section | None:
    admin = can_import_reference_data(user)
    if not admin and not animated_epci_ids(user):
        return None
    jobs = Job.objects.visible_to(user)
    counts = jobs.aggregate(
        failed=Count("pk", filter=Q(status=JobStatus.FAILED)),
        running=Count("pk", filter=Q(status__in=[JobStatus.QUEUED, JobStatus.RUNNING])),
    )
    url = reverse("jobs:list")
    lines = [
        Line(counts["running"], "traitement en cours", "traitements en cours", f"{url}?etat=en_cours",
             "Aucun traitement en cours."),
        Line(counts["failed"], "traitement en échec", "traitements en échec", f"{url}?etat={JobStatus.FAILED}",
             "Aucun traitement en échec."),
    ]  # fmt: skip
    entries = [Entry(job.label, job.get_absolute_url(), job.get_status_display()) for job in jobs[:RECENT]]
    title = "Imports et traitements" if admin else "Vos traitements"
    section = Section("traitements", title, lines, entries, more=("Voir la liste", url))
    if admin:
        section.intro = "Importez les données de référence (QPV, communes, EPCI) ou des structures :"
        section.entries = [
            Entry("Importer des données de référence", reverse("territories:import")),
            Entry("Importer des structures", reverse("actors:import")),
            *section.entries,
        ]
    return section
