from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cooperer.core"
    label = "core"
    verbose_name = "Socle"

    def ready(self):
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate, pre_migrate

        import cooperer.core.lookups  # noqa: F401  (registers the integer `in` lookup)
        from cooperer.core import pagecache

        connection_created.connect(pagecache.install, dispatch_uid="cooperer-track-writes")
        pre_migrate.connect(pagecache.migrating, dispatch_uid="cooperer-migrating")
        post_migrate.connect(pagecache.migrated, dispatch_uid="cooperer-migrated")
