from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.enums import JURY_ROLES, PANEL_ROLES, Role
from accounts.models import User
from accounts.rules import must_use_mfa_at_once
from accounts.services import role_assign
from candidates.models import Branch, Edition, Province
from scoring.models import PanelMember
from scoring.services import panel_get_or_create, panel_member_add

DEMO_PASSWORD = "paritrana-demo-2026"  # noqa: S105 - printed on purpose; refused unless DEBUG
# The authenticator-app (TOTP) secret of every demo account that must use two-factor
# authentication; add it to any authenticator app, or print the current code with
# `python manage.py demo_totp`.
DEMO_TOTP_SECRET = "PARITRANA2DEMO2TOTP2SECRET2KEY22"  # noqa: S105 - as DEMO_PASSWORD

# email, name, organisation, [(role, branch code, province code, edition year)]
DEMO_ACCOUNTS = [
    ("admin@paritrana.test", "Sekretariat Nasional", "Kemenko PMK",
     [(Role.NATIONAL_ADMIN, None, None, None)]),
    ("cabang.gorontalo@paritrana.test", "Staf Cabang Gorontalo", "BPJS Ketenagakerjaan Cabang Gorontalo",
     [(Role.BRANCH_STAFF, "gorontalo", None, None)]),
    ("cabang.bekasi@paritrana.test", "Staf Cabang Bekasi Kota", "BPJS Ketenagakerjaan Cabang Bekasi Kota",
     [(Role.BRANCH_STAFF, "bekasi-kota", None, None)]),
    ("panel.jabar@paritrana.test", "Anggota Tim Penilai Jawa Barat", "Disnakertrans Jawa Barat",
     [(Role.PANEL_MEMBER, None, "32", 2018), (Role.PANEL_MEMBER, None, "32", 2020)]),
    ("ketua.panel.jabar@paritrana.test", "Ketua Tim Penilai Jawa Barat", "Setda Provinsi Jawa Barat",
     [(Role.PANEL_CHAIR, None, "32", 2018), (Role.PANEL_CHAIR, None, "32", 2020)]),
    # The rest of the Jawa Barat 2018 panel (scoring.demo), so that the round can be scored by
    # every member in the browser.
    ("sekretaris.panel.jabar@paritrana.test", "Sekretaris Tim Penilai Jawa Barat",
     "BPJS Ketenagakerjaan Kantor Wilayah Jawa Barat", [(Role.PANEL_MEMBER, None, "32", 2018)]),
    ("apindo.panel.jabar@paritrana.test", "Anggota Unsur Pengusaha", "Apindo Jawa Barat",
     [(Role.PANEL_MEMBER, None, "32", 2018)]),
    ("disnaker.bekasi@paritrana.test", "Anggota dari Disnaker Kota Bekasi",
     "Pemerintah Kota Bekasi", [(Role.PANEL_MEMBER, None, "32", 2018)]),
    ("juri@paritrana.test", "Anggota Dewan Juri", "Kementerian Ketenagakerjaan",
     [(Role.JURY_MEMBER, None, None, 2020), (Role.JURY_MEMBER, None, None, 2021)]),
    ("ketua.juri@paritrana.test", "Ketua Dewan Juri", "Kemenko PMK",
     [(Role.JURY_CHAIR, None, None, 2020), (Role.JURY_CHAIR, None, None, 2021)]),
    # The third juror of the 2020 national replay (scoring.demo.NATIONAL_JURY), so that every
    # juror can confirm the result in the browser (`make run NATIONAL_2020=result`).
    ("juri.kemendagri@paritrana.test", "Anggota Dewan Juri (Kemendagri)",
     "Kementerian Dalam Negeri", [(Role.JURY_MEMBER, None, None, 2020)]),
    ("auditor@paritrana.test", "Auditor", "Inspektorat",
     [(Role.AUDITOR, None, None, None)]),
]  # fmt: skip


def _seat(user, role, province_code, year) -> None:
    """Panel and jury roles come with a seat on the panel (scoring.PanelMember), so that the
    scoring pages open; a seat the demo replay gave already is kept as it is."""
    panel = panel_get_or_create(
        edition=Edition.objects.get(year=year),
        province=Province.objects.get(code=province_code) if province_code else None,
    )
    if not PanelMember.objects.filter(panel=panel, user=user).exists():
        panel_member_add(
            panel=panel, user=user, is_chair=role in (Role.PANEL_CHAIR, Role.JURY_CHAIR)
        )


def _give_authenticator_app(user) -> None:
    """An active authenticator app with the published demo secret; one set up since with
    another secret is set back to it, so that the documented secret always works."""
    Authenticator.objects.update_or_create(
        user=user,
        type=Authenticator.Type.TOTP,
        defaults={"data": {"secret": encrypt(DEMO_TOTP_SECRET)}},
    )


class Command(BaseCommand):
    help = "Create one demo account per role and print their logins (only when DEBUG is on)."

    @transaction.atomic
    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Demo accounts have a published password and are refused when DEBUG is off."
            )
        rows = []
        for email, name, organisation, roles in DEMO_ACCOUNTS:
            user, _ = User.objects.update_or_create(
                email=email,
                defaults={
                    "username": email.split("@")[0],
                    "first_name": name,
                    "organisation": organisation,
                    "is_active": True,
                    # Each run gives the other demo accounts a fresh two-factor grace period,
                    # from their next login on (accounts.mfa.grace_deadline).
                    "mfa_grace_started_at": None,
                },
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            for role, branch, province, year in roles:
                if role in (*PANEL_ROLES, *JURY_ROLES):
                    _seat(user, role, province, year)
                    continue
                role_assign(
                    user=user,
                    role=role,
                    branch=Branch.objects.get(code=branch) if branch else None,
                    province=Province.objects.get(code=province) if province else None,
                    edition=Edition.objects.get(year=year) if year else None,
                )
            labels = ", ".join(sorted({str(r[0].label) for r in roles}))
            if must_use_mfa_at_once(User.objects.get(pk=user.pk)):
                _give_authenticator_app(user)
                labels += " [TOTP]"
            rows.append((email, labels))
        width = max(len(e) for e, _ in rows)
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for email, roles in rows:
            self.stdout.write(f"  {email.ljust(width)}  {roles}")
        self.stdout.write(
            f"Accounts marked [TOTP] must also give a two-factor code: add the secret "
            f"{DEMO_TOTP_SECRET} to any authenticator app, or run `python manage.py demo_totp` "
            f"for the current code."
        )
        self.stdout.write(
            f"The other accounts must set up two-factor authentication within "
            f"{settings.MFA_GRACE_DAYS} days of their first login (MFA_GRACE_DAYS); until then "
            f"they log in with the password alone."
        )
