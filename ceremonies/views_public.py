"""The public site's pages (SPEC §8): no login, nothing that depends on the visitor, cached
whole (paritrana.public_cache) and cleared on publish, revoke and reopen. Every read goes
through ceremonies.selectors, which start from a Publication: an outcome that is not published
answers 404 or is absent.

The layout (public_base.html) has no CSRF token, no user and no messages, so a page rendered
for a logged-in visitor can be served from the cache to anyone. The language switch is a plain
link to `language`, which sets the language cookie and comes back."""

import io
import re
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from candidates.models import Candidate, Edition
from paritrana.public_cache import cached_public
from scoring.breakdown import interview_figures
from scoring.enums import StageKind

from . import integrity, opendata, selectors
from .enums import DOWNLOADABLE
from .statistics import edition_statistics as statistics_of

FUNNEL_STEPS = {
    "eligible": gettext_lazy("Eligible"),
    "verified": gettext_lazy("Verified"),
    "advanced": gettext_lazy("Advanced"),
    "finalists": gettext_lazy("Finalists"),
    "winners": gettext_lazy("Winners"),
}
# The open data files as the open data page describes them: title, what the rows are.
OPEN_DATA_FILES = {
    "winners": (
        gettext_lazy("Winners"),
        gettext_lazy(
            "The national awards (level “national”) and the provincial labels Peringkat I–III "
            "and Harapan I–III of every province whose results are published (level "
            "“provincial”)."
        ),
    ),
    "results": (
        gettext_lazy("Ranking results"),
        gettext_lazy(
            "Every row of the published rankings: the provincial assessment of each published "
            "province, the national selection and the national result, with rank, total and "
            "label, what the stage decided for the nominee and, in the national result, the "
            "interview."
        ),
    ),
}
# What a visitor may type as a serial number (PRT-2020-N-1A2B3C4D).
SERIAL = re.compile(r"[A-Za-z0-9-]{1,40}")


def _published_edition(year: int) -> Edition:
    edition = selectors.published_edition(year)
    if edition is None:
        raise Http404(_("No results of this edition are published."))
    return edition


# ---------------------------------------------------------------------------------------------
# Language


@require_safe
@never_cache
def language(request, code: str):
    """Switch the language with a plain link (no form, so no CSRF token on cached pages): set
    the language cookie and go back to `next` if it is a page of this site."""
    if code not in dict(settings.LANGUAGES):
        raise Http404
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("public:editions")
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


# ---------------------------------------------------------------------------------------------
# Results


@require_safe
@cached_public
def editions(request):
    """The editions with published results."""
    return render(
        request,
        "ceremonies/public/editions.html",
        {"editions": selectors.published_editions(), "section": "results"},
    )


def _award(award) -> dict:
    candidate = award.nomination.candidate
    return {
        "award": award,
        "title": selectors.award_title(award),
        "candidate": candidate,
        "region": selectors.region_of(candidate),
    }


@require_safe
@cached_public
def edition(request, year: int):
    """An edition's national winners per category, its ceremony, and links to the published
    provincial results and the statistics."""
    edition = _published_edition(year)
    national = selectors.is_national_published(edition)
    winners = [
        {
            "category": group.category,
            "under_review": group.under_review,
            "awards": [_award(award) for award in group.awards],
        }
        for group in selectors.edition_winners(edition)
    ]
    return render(
        request,
        "ceremonies/public/edition.html",
        {
            "edition": edition,
            "national": national,
            "winners": winners,
            "ceremony": selectors.ceremony_of(edition, None) if national else None,
            "provinces": selectors.published_provinces(edition),
            "section": "results",
        },
    )


@require_safe
@cached_public
def province(request, year: int, code: str):
    """A province's provincial results per category, once published."""
    edition = _published_edition(year)
    province = next((p for p in selectors.published_provinces(edition) if p.code == code), None)
    if province is None:
        raise Http404(_("The results of this province are not published."))
    return render(
        request,
        "ceremonies/public/province.html",
        {
            "edition": edition,
            "province": province,
            "categories": selectors.provincial_results(edition, province),
            "ceremony": selectors.ceremony_of(edition, province),
            "section": "results",
        },
    )


def _number(value):
    """A frozen figure (stored as text) as a number, so that the page formats it in the
    visitor's language (86,80 / 86.80)."""
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None


def _criteria(lines: list[dict]) -> dict:
    """A frozen stage's criteria as the page shows them; an interview criterion with the jury's
    score and the attendance factor that make its score (90,00 × 0,80 = 72,00), as the national
    result's ranking API gives them. `interview`: the table needs their columns."""
    shown = []
    for line in lines:
        judged, factor = interview_figures(line)
        shown.append(
            {
                "name": line.get("name", ""),
                "weight": _number(line.get("weight")),
                "judged": judged,
                "factor": factor,
                "score": _number(line.get("score")),
                "contribution": _number(line.get("contribution")),
            }
        )
    return {"lines": shown, "interview": any(line["judged"] is not None for line in shown)}


def _stage_name(kind: str, fallback: str) -> str:
    try:
        return StageKind(kind).label
    except ValueError:
        return fallback


def _presented_stage(stage, shown: set[str]) -> dict:
    components = [
        {
            "name": _stage_name(part.get("stage", ""), part.get("name", "")),
            "weight": _number(part.get("weight")),
            "total": _number(part.get("total")),
            "rank": part.get("rank"),
            # The stages the candidate's page already shows on their own are not repeated.
            "criteria": _criteria([] if part.get("stage") in shown else part.get("criteria", [])),
        }
        for part in stage.stages
    ]
    return {
        "kind": stage.kind,
        "name": stage.name,
        "rank": stage.rank,
        "total": stage.total,
        "label": stage.label,
        "advanced": stage.advanced,
        "criteria": _criteria(stage.criteria),
        "components": components,
    }


@require_safe
@cached_public
def candidate(request, pk: int):
    """A candidate across editions: the published breakdown of every stage it reached, its
    awards, and its certificates to download and verify."""
    candidate = get_object_or_404(
        Candidate.objects.select_related("province", "regency__province"), pk=pk
    )
    record = selectors.candidate_record(candidate)
    if not record:
        raise Http404(_("No published result of this candidate."))
    certificates = selectors.public_certificates([entry.nomination for entry in record])
    nominations = []
    for entry in record:
        shown = {stage.kind for stage in entry.stages}
        nominations.append(
            {
                "nomination": entry.nomination,
                "edition": entry.nomination.category.edition,
                "category": entry.nomination.category,
                "awards": [_award(award) for award in entry.awards],
                "stages": [_presented_stage(stage, shown) for stage in entry.stages],
                "certificates": [
                    c for c in certificates if c.certificate.nomination_id == entry.nomination.pk
                ],
            }
        )
    return render(
        request,
        "ceremonies/public/candidate.html",
        {
            "candidate": candidate,
            "region": selectors.region_of(candidate),
            "nominations": nominations,
            "section": "results",
        },
    )


def _float(value):
    return None if value is None else float(value)


@require_safe
@cached_public
def statistics(request, year: int):
    """The edition's funnel and its figures per province, as tables and Chart.js charts: the
    whole edition once its national results are published, the provinces whose provincial
    results are published before that (ceremonies.statistics)."""
    edition = _published_edition(year)
    stats = statistics_of(edition)
    if stats is None:
        raise Http404(_("No results of this edition are published."))
    labels = [str(FUNNEL_STEPS[step]) for step, _count in stats["funnel"]]
    chart = {
        "funnel": {"labels": labels, "values": [count for _step, count in stats["funnel"]]},
        "provinces": {
            "labels": [name for name, _counts in stats["provinces"]],
            "series": [
                {"label": label, "values": [counts[i] for _name, counts in stats["provinces"]]}
                for i, label in enumerate(labels)
            ],
        },
        "coverage": {
            "labels": [name for name, *_rest in stats["coverage"]],
            "series": [
                {
                    "label": str(_("PU coverage (%)")),
                    "values": [_float(pu) for _name, _n, pu, _bpu in stats["coverage"]],
                },
                {
                    "label": str(_("BPU coverage (%)")),
                    "values": [_float(bpu) for _name, _n, _pu, bpu in stats["coverage"]],
                },
            ],
        },
        "titles": {
            "funnel": _("From eligible nominations to winners"),
            "provinces": _("Nominations per province"),
            "coverage": _("Coverage of the government nominees' workers per province"),
        },
    }
    return render(
        request,
        "ceremonies/public/statistics.html",
        {
            "edition": edition,
            "national": stats["national"],
            "provinces_published": selectors.published_provinces(edition),
            "funnel": [(FUNNEL_STEPS[step], count) for step, count in stats["funnel"]],
            "steps": labels,
            "provinces": stats["provinces"],
            "coverage": stats["coverage"],
            "chart": chart,
            "section": "results",
        },
    )


# ---------------------------------------------------------------------------------------------
# Certificates


@require_safe
@cached_public(params=("serial",))
def verify_form(request):
    """Type a serial number to verify a certificate (the QR code leads to `verify` directly)."""
    serial = request.GET.get("serial")
    error = ""
    if serial is not None:
        serial = serial.strip()
        if SERIAL.fullmatch(serial):
            return redirect("public:verify", serial=serial.upper())
        error = (
            _("Type the serial number printed on the certificate, e.g. PRT-2020-N-1A2B3C4D.")
            if not serial
            else _(
                "A serial number has only letters, digits and hyphens, e.g. PRT-2020-N-1A2B3C4D."
            )
        )
    return render(
        request,
        "ceremonies/public/verify_form.html",
        {"serial": serial or "", "error": error, "section": "verify"},
        status=400 if error else 200,
    )


@require_safe
@cached_public
def verify(request, serial: str):
    """What a certificate's QR code opens: valid, revoked (when and why), its award withdrawn,
    not issued yet, or no such certificate (404)."""
    result = selectors.certificate_verification(serial)
    return render(
        request,
        "ceremonies/public/verify.html",
        {"result": result, "serial": serial, "section": "verify"},
        status=200 if result else 404,
    )


@require_safe
def certificate_pdf(request, serial: str):
    """A valid certificate's PDF. Not cached (a file); 404 when it is not generated, revoked or
    its award withdrawn (the verification page says which)."""
    result = selectors.certificate_verification(serial)
    if result is None or result.status not in DOWNLOADABLE or not result.certificate.file:
        raise Http404(_("This certificate cannot be downloaded."))
    certificate = result.certificate
    # Only the file generated: one replaced on disk is refused (and logged).
    content = integrity.certificate_content(certificate)
    if content is None:
        raise Http404(_("This certificate cannot be downloaded."))
    return FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=f"{certificate.serial}.pdf",
        content_type="application/pdf",
    )


# ---------------------------------------------------------------------------------------------
# Open data


@require_safe
@cached_public
def open_data(request):
    """The downloads of every published edition."""
    return render(
        request,
        "ceremonies/public/open_data.html",
        {
            "editions": selectors.published_editions(),
            "datasets": opendata.DATASETS,
            "formats": opendata.FORMATS,
            "documented": [
                {
                    "name": name,
                    "title": OPEN_DATA_FILES[name][0],
                    "description": OPEN_DATA_FILES[name][1],
                    "columns": list(opendata.COLUMNS[name].items()),
                }
                for name in opendata.DATASETS
            ],
            "section": "open_data",
        },
    )


@require_safe
@cached_public
def open_data_file(request, year: int, dataset: str, fmt: str):
    """One dataset of a published edition as CSV or JSON."""
    if dataset not in opendata.DATASETS or fmt not in opendata.FORMATS:
        raise Http404
    edition = _published_edition(year)
    content, content_type = opendata.dataset(edition, dataset, fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{opendata.file_name(edition, dataset, fmt)}"'
    )
    return response
