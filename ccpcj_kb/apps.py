from django.apps import AppConfig


class SiteConfig(AppConfig):
    """What the site does whatever the app: keeping the shared page cache in step."""

    name = "ccpcj_kb"
    verbose_name = "Site"

    def ready(self):
        from . import pagecache

        pagecache.connect()
