from django.apps import AppConfig


class TopicsConfig(AppConfig):
    name = "topics"
    verbose_name = "Themes, documents and organisations"

    def ready(self):
        from .search import indexing

        indexing.connect()
