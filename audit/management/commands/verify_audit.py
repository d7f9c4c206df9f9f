from django.core.management.base import BaseCommand, CommandError

from audit.selectors import audit_verify


class Command(BaseCommand):
    help = (
        "Check the audit record's hash chain; report the first altered, inserted or deleted "
        "record and exit non-zero."
    )

    def handle(self, *args, **options):
        check = audit_verify()
        if not check.intact:
            raise CommandError(f"Audit record NOT intact: {check.problem}")
        self.stdout.write(
            f"Audit record intact: {check.records} records, last hash {check.head}. "
            "Keep this hash somewhere else: it proves the records up to here later."
        )
