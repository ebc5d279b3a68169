"""Background work of the measurement app (imports, reports), run by the task queue (docs/adr/001-job-queue.md)."""
