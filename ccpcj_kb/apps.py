from django.apps import AppConfig


class SiteConfig(AppConfig):
    """What the site does whatever the app: keeping the shared page cache in step, and the
    ``__among`` lookup (a long list of ids as one parameter)."""

    name = "ccpcj_kb"
    verbose_name = "Site"

    def ready(self):
        from . import lookups, pagecache  # noqa: F401 (lookups registers itself)

        pagecache.connect()
