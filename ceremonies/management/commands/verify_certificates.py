from django.core.management.base import BaseCommand, CommandError

from ceremonies.integrity import certificate_files_check


class Command(BaseCommand):
    help = (
        "Check that every generated certificate's PDF is the file that was generated (its "
        "SHA-256 against the audit record's); report each one that is not and exit non-zero."
    )

    def handle(self, *args, **options):
        count, problems = certificate_files_check()
        for check in problems:
            self.stderr.write(f"{check.certificate.serial}: {check.problem}")
        if problems:
            raise CommandError(f"{len(problems)} of {count} certificate files are NOT intact.")
        self.stdout.write(f"Certificate files intact: {count} of {count}.")
