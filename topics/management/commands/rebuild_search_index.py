from django.core.management.base import BaseCommand

from ccpcj_kb.pagecache import bulk_writes
from topics.search.indexing import rebuild


class Command(BaseCommand):
    help = (
        "Index every record for search afresh. Saving records keeps the index in step; run "
        "this after writing to the database in bulk outside the site, the admin and load_kb."
    )

    def handle(self, *args, verbosity, **options):
        with bulk_writes():  # search results pages change with the index
            entries = rebuild()
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"Indexed {entries} records for search."))
