from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override, pgettext_lazy


class Zone(models.TextChoices):
    SUMATERA = "sumatera", _("Sumatera")
    JAWA_BALI = "jawa_bali", _("Jawa–Bali")
    KALIMANTAN = "kalimantan", _("Kalimantan")
    SULAWESI = "sulawesi", _("Sulawesi")
    NUSA_TENGGARA_MALUKU_PAPUA = "nusa_tenggara_maluku_papua", _("Nusa Tenggara–Maluku–Papua")


class RegencyKind(models.TextChoices):
    KABUPATEN = "kabupaten", _("Regency (Kabupaten)")
    KOTA = "kota", _("City (Kota)")


class CandidateKind(models.TextChoices):
    PROVINCE_GOVERNMENT = "province_government", _("Provincial government")
    REGENCY_GOVERNMENT = "regency_government", _("Regency/city government")
    BUSINESS = "business", _("Business")


GOVERNMENT_KINDS = (CandidateKind.PROVINCE_GOVERNMENT, CandidateKind.REGENCY_GOVERNMENT)


class BusinessScale(models.TextChoices):
    LARGE = "large", _("Large business")
    MEDIUM = "medium", _("Medium business")
    SMALL_MICRO = "small_micro", _("Small and micro business (UMKM)")


class AwardScheme(models.TextChoices):
    RANKED = "ranked", _("Ranked (1st–3rd place, honourable mention I–III)")
    BEST_PER_PROVINCE = "best_per_province", _("Best per province")
    BEST_PER_ZONE = "best_per_zone", _("Best per zone")


class NominationState(models.TextChoices):
    """SPEC §3: draft → submitted → (returned → resubmitted)* → verified | ineligible → scored →
    advanced | not advanced → finalist → awarded | not awarded; withdrawn before finalisation."""

    DRAFT = "draft", pgettext_lazy("nomination state", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("nomination state", "Submitted")
    RETURNED = "returned", pgettext_lazy("nomination state", "Returned for correction")
    RESUBMITTED = "resubmitted", pgettext_lazy("nomination state", "Resubmitted")
    VERIFIED = "verified", pgettext_lazy("nomination state", "Verified")
    INELIGIBLE = "ineligible", pgettext_lazy("nomination state", "Ineligible")
    SCORED = "scored", pgettext_lazy("nomination state", "Scored")
    ADVANCED = "advanced", pgettext_lazy("nomination state", "Advanced to national")
    NOT_ADVANCED = "not_advanced", pgettext_lazy("nomination state", "Not advanced")
    FINALIST = "finalist", pgettext_lazy("nomination state", "Finalist")
    # Scored in the national selection without becoming a finalist (kept apart from "not
    # advanced", which is the provincial outcome).
    NOT_FINALIST = "not_finalist", pgettext_lazy("nomination state", "Not a finalist")
    AWARDED = "awarded", pgettext_lazy("nomination state", "Awarded")
    NOT_AWARDED = "not_awarded", pgettext_lazy("nomination state", "Not awarded")
    WITHDRAWN = "withdrawn", pgettext_lazy("nomination state", "Withdrawn")


# Nominations the national jury works on (provincial-government candidates enter here directly
# once verified, see selectors.national_nominations).
NATIONAL_STATES = (
    NominationState.ADVANCED,
    NominationState.FINALIST,
    NominationState.NOT_FINALIST,
    NominationState.AWARDED,
    NominationState.NOT_AWARDED,
)
# Nominations a provincial panel works on: everything that has been submitted.
PANEL_STATES = tuple(
    s for s in NominationState if s not in (NominationState.DRAFT, NominationState.WITHDRAWN)
)


class RankLabel(models.TextChoices):
    """The labels a ranking gives, named as SPEC §1's glossary translates them: Bahasa Indonesia
    says Peringkat I–III, Harapan I–III and Terbaik (the catalogue), English 1st–3rd place,
    honourable mention I–III and best. Certificates and the open data are in Bahasa Indonesia
    whatever the reader's language (ceremonies.selectors, ceremonies.opendata)."""

    PERINGKAT_1 = "peringkat_1", _("1st place")
    PERINGKAT_2 = "peringkat_2", _("2nd place")
    PERINGKAT_3 = "peringkat_3", _("3rd place")
    HARAPAN_1 = "harapan_1", _("Honourable mention I")
    HARAPAN_2 = "harapan_2", _("Honourable mention II")
    HARAPAN_3 = "harapan_3", _("Honourable mention III")
    TERBAIK = "terbaik", _("Best")


def printed_title_for_reader(title: str) -> str:
    """A title as a certificate prints it (in Bahasa Indonesia), in the reader's language where
    it is a rank label ("Peringkat III" reads "3rd place" in English); any other title (best in
    a province, a special award) as it is."""
    with override("id"):
        printed = {str(label.label): label for label in RankLabel}
    label = printed.get(title)
    return str(label.label) if label is not None else title


class LegalProductType(models.TextChoices):
    """Ordered from strongest to weakest (SPEC §1)."""

    PERDA = "perda", _("Regional regulation (Perda)")
    PERGUB = "pergub", _("Governor regulation (Pergub)")
    PERBUP = "perbup", _("Regent regulation (Perbup)")
    PERWALI = "perwali", _("Mayor regulation (Perwali)")
    INSTRUKSI = "instruksi", _("Instruction (Instruksi)")
    SURAT_EDARAN = "surat_edaran", _("Circular (Surat Edaran)")
    KEPUTUSAN = "keputusan", _("Decree (Keputusan)")
    MOU_PKS = "mou_pks", _("Memorandum or agreement (MoU/PKS)")


# Branch staff may change a nomination's data only in these states (SPEC §3: nothing is edited
# once submitted unless it was returned).
EDITABLE_STATES = (NominationState.DRAFT, NominationState.RETURNED)

_S = NominationState
# The state machine of SPEC §3: every allowed move. Withdrawal is allowed until a result is final.
TRANSITIONS: dict[str, frozenset[str]] = {
    _S.DRAFT: frozenset({_S.SUBMITTED, _S.WITHDRAWN}),
    _S.SUBMITTED: frozenset({_S.RETURNED, _S.VERIFIED, _S.INELIGIBLE, _S.WITHDRAWN}),
    _S.RETURNED: frozenset({_S.RESUBMITTED, _S.WITHDRAWN}),
    _S.RESUBMITTED: frozenset({_S.RETURNED, _S.VERIFIED, _S.INELIGIBLE, _S.WITHDRAWN}),
    _S.VERIFIED: frozenset({_S.SCORED, _S.WITHDRAWN}),
    # A category without a provincial round goes from its national selection score straight
    # to finalist or not.
    _S.SCORED: frozenset(
        {_S.ADVANCED, _S.NOT_ADVANCED, _S.FINALIST, _S.NOT_FINALIST, _S.WITHDRAWN}
    ),
    _S.ADVANCED: frozenset({_S.FINALIST, _S.NOT_FINALIST, _S.WITHDRAWN}),
    _S.FINALIST: frozenset({_S.AWARDED, _S.NOT_AWARDED, _S.WITHDRAWN}),
    _S.INELIGIBLE: frozenset(),
    _S.NOT_ADVANCED: frozenset(),
    _S.NOT_FINALIST: frozenset(),
    _S.AWARDED: frozenset(),
    _S.NOT_AWARDED: frozenset(),
    _S.WITHDRAWN: frozenset(),
}
# Moves that must say why (and, for a return, by when).
REASON_REQUIRED = frozenset({_S.RETURNED, _S.INELIGIBLE, _S.WITHDRAWN})


class ImportKind(models.TextChoices):
    """Which template a spreadsheet import follows."""

    GOVERNMENT = "government", _("Government data")
    BUSINESS = "business", _("Business data")


class ImportStatus(models.TextChoices):
    """uploaded → validated | invalid → importing → done | failed."""

    UPLOADED = "uploaded", pgettext_lazy("import status", "Uploaded, being checked")
    VALIDATED = "validated", pgettext_lazy("import status", "Checked, ready to import")
    INVALID = "invalid", pgettext_lazy("import status", "Refused: errors found")
    IMPORTING = "importing", pgettext_lazy("import status", "Importing")
    DONE = "done", pgettext_lazy("import status", "Imported")
    FAILED = "failed", pgettext_lazy("import status", "Failed")


IMPORT_RUNNING = (ImportStatus.UPLOADED, ImportStatus.IMPORTING)
IMPORT_FINISHED = (ImportStatus.INVALID, ImportStatus.DONE, ImportStatus.FAILED)
