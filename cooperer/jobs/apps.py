from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "cooperer.jobs"
    label = "jobs"
    verbose_name = "Traitements longs"
