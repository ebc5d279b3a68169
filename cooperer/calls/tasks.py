"""Background tasks of the calls app that are no person's job (nothing to show on « Traitements »)."""

from django_tasks import task

from cooperer.calls import report


@task()
def rebuild_overlap_index(epci_id: int) -> str:
    """Builds the EPCI's overlap index after a change and stores it in the shared cache (calls/report.py)."""
    return report.store_index(epci_id)
