from django.core.management.base import BaseCommand

from candidates.services import regions_load


class Command(BaseCommand):
    help = "Load the 38 provinces and 514 regencies/cities (Kemendagri codes) from idn-area-data."

    def handle(self, *args, **options):
        loaded = regions_load()
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {loaded.provinces} provinces and {loaded.regencies} regencies/cities "
                f"from {loaded.source} (ODbL)."
            )
        )
