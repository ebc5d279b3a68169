from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "cooperer.jobs"
    label = "jobs"
    verbose_name = "Traitements longs"

    def ready(self):
        from cooperer.jobs import probe, schedule  # noqa: F401 - registers the daily job and the probe
