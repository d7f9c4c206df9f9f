from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from paritrana.db_roles import RoleError, app_role_grant


class Command(BaseCommand):
    help = (
        "As the database's owner role, after migrate: give the application's role read and write "
        "on every table (and the tables later migrations add), on the audit record only INSERT "
        "and SELECT (paritrana/db_roles.py)."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help="the application's database role (DATABASE_URL's user)")

    def handle(self, *args, role, **options):
        try:
            with transaction.atomic():
                statements = app_role_grant(role)
        except RoleError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Privileges of {role}: {len(statements)} statements applied.")
