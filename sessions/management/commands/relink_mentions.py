from django.core.management.base import BaseCommand

from topics.mentions import relink_mentions


class Command(BaseCommand):
    help = (
        "Find again the records that session notes, annotations and source paragraphs name, "
        "and link them. load_kb does this on every load; run it after writing to the database "
        "by other means."
    )

    def handle(self, *args, **options):
        relink_mentions()
