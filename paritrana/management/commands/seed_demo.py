from django.core.management.base import BaseCommand, CommandError

from candidates.demo import seed_candidates
from ceremonies.demo import seed_ceremonies
from scoring.demo import NATIONAL_STEPS, REPLAY_STEPS, seed_scoring


class Command(BaseCommand):
    help = (
        "Build the demo editions (2018, 2020, 2021) from the seed articles. Idempotent. "
        "Run load_regions first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--jabar-2018",
            choices=REPLAY_STEPS,
            default="finalised",
            help=(
                "How far to replay the Jawa Barat 2018 provincial round (default: finalised). "
                "'submitted' leaves it to be run in the browser from verification on; it only "
                "applies to a database where the round has not been replayed yet."
            ),
        )
        parser.add_argument(
            "--national-2020",
            choices=NATIONAL_STEPS,
            default="finalised",
            help=(
                "How far to replay the 2020 national round of the regency/city category "
                "(default: finalised, signed off with Kota Bekasi third). 'selection' leaves "
                "the jury to score the twelve nominees in the browser; 'interview' stops with "
                "the eight finalists' interviews scheduled; 'result' with the interviews scored, "
                "for the chair to finalise and the jurors to confirm. It only applies to a "
                "database where the round has not been replayed yet."
            ),
        )

    def handle(self, *args, **options):
        try:
            seeded = seed_candidates()
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        scoring = seed_scoring(
            jabar_2018=options["jabar_2018"], national_2020=options["national_2020"]
        )
        ceremonies = seed_ceremonies()
        replays = []
        if scoring["replayed"]:
            replays.append(f"Jawa Barat 2018 replayed up to '{options['jabar_2018']}'")
        if scoring["national_2020"]:
            replays.append(f"2020 national round replayed up to '{options['national_2020']}'")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data: {seeded.editions} editions, {seeded.categories} categories, "
                f"{seeded.branches} branch offices, {seeded.candidates} candidates, "
                f"{seeded.nominations} nominations, {scoring['stages']} stages, "
                f"{scoring['rubrics']} default rubrics added"
                + (f"; {'; '.join(replays)}" if replays else "")
                + (
                    f"; {ceremonies['published']} results published, "
                    f"{ceremonies['ceremonies']} ceremonies, "
                    f"{ceremonies['certificates']} certificates issued."
                )
            )
        )
