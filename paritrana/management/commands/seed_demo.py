from django.core.management.base import BaseCommand, CommandError

from candidates.demo import seed_candidates
from scoring.demo import seed_stages


class Command(BaseCommand):
    help = (
        "Build the demo editions (2018, 2020, 2021) from the seed articles. Idempotent. "
        "Run load_regions first."
    )

    def handle(self, *args, **options):
        try:
            seeded = seed_candidates()
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        stages = seed_stages()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data: {seeded.editions} editions, {seeded.categories} categories, "
                f"{seeded.branches} branch offices, {seeded.candidates} candidates, "
                f"{seeded.nominations} nominations, {stages} stages."
            )
        )
