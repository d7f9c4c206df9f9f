"""The PDFs of the demo: how long WeasyPrint takes for each, and whether a change alters them.

    python -m bench.pdfs html FOLDER      the demo's documents as HTML (needs the demo data:
                                          manage.py load_regions, seed_demo, create_demo_accounts)
    python -m bench.pdfs render FOLDER [-n 5] [--profile NAME]
                                          each FOLDER/*.html through paritrana.pdf.render_pdf
                                          n times (the first render of the process is reported
                                          apart: it loads the fonts); writes FOLDER/NAME.pdf

The documents are the decision files the access walker downloads (Kota Bekasi 2018 through
the Jawa Barat panel, Kota Bekasi 2020 through the 2020 jury, Kota Administrasi Jakarta Utara
2021 through the 2021 jury, each as the secretariat sees it) and Kota Bekasi's 2020 national
certificate. Rendering saved HTML keeps the input fixed (a decision file states when it was
drawn up), so two trees' PDFs can be compared page by page: `pdftoppm -r 100 -png` and
`pdftotext` of each, before and after a change."""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

# (name, year, candidate, panel's province code or None for the national jury)
DECISION_FILES = [
    ("decision-bekasi-2018", 2018, "Pemerintah Kota Bekasi", "32"),
    ("decision-bekasi-2020", 2020, "Pemerintah Kota Bekasi", None),
    ("decision-jakut-2021", 2021, "Pemerintah Kota Administrasi Jakarta Utara", None),
]
READER = "admin@paritrana.test"


def _arguments():
    parser = argparse.ArgumentParser(prog="python -m bench.pdfs", description=__doc__)
    parser.add_argument("action", choices=("html", "render"))
    parser.add_argument("folder", type=Path)
    parser.add_argument("-n", type=int, default=5, help="renders of each document")
    parser.add_argument("--profile", metavar="NAME", help="cProfile one render of NAME.html")
    return parser.parse_args()


def base_url(name: str) -> str:
    from django.conf import settings

    return f"{settings.SITE_URL}/bench/{name}/"


def write_html(folder: Path) -> None:
    from django.conf import settings
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from accounts.models import User
    from candidates.models import Nomination
    from ceremonies.certificates import certificate_html
    from ceremonies.models import Certificate
    from scoring.models import Panel
    from scoring.views_decision import DecisionFilePdf

    folder.mkdir(parents=True, exist_ok=True)
    reader = User.objects.get(email=READER)
    for name, year, candidate, province in DECISION_FILES:
        nomination = Nomination.objects.get(category__edition__year=year, candidate__name=candidate)
        where = {"province__code": province} if province else {"province__isnull": True}
        panel = Panel.objects.get(edition__year=year, **where)
        request = RequestFactory().get(f"/panel/{panel.pk}/decisions/{nomination.pk}/decision.pdf")
        request.user = reader
        view = DecisionFilePdf()
        view.setup(request, panel_pk=panel.pk, nomination_pk=nomination.pk)
        view.panel, view.nomination = panel, nomination
        html = render_to_string(view.template_name, view.context(), request=request)
        (folder / f"{name}.html").write_text(html)
    certificate = Certificate.objects.get(
        ceremony__edition__year=2020,
        ceremony__province__isnull=True,
        nomination__candidate__name="Pemerintah Kota Bekasi",
    )
    html = certificate_html(certificate)
    (folder / "certificate-bekasi-2020.html").write_text(html)
    print(f"HTML of {len(DECISION_FILES) + 1} documents in {folder} ({settings.SITE_URL})")


def render(folder: Path, n: int, profile: str | None) -> None:
    from pypdf import PdfReader

    from paritrana.pdf import render_pdf

    pages = sorted(folder.glob("*.html"))
    if not pages:
        sys.exit(f"No .html in {folder}: run `python -m bench.pdfs html {folder}` first.")
    start = time.perf_counter()
    render_pdf(pages[0].read_text(), base_url=base_url(pages[0].stem))
    print(f"first render of the process ({pages[0].stem}): {time.perf_counter() - start:.3f} s")
    if profile:
        html = (folder / f"{profile}.html").read_text()
        profiler = cProfile.Profile()
        profiler.enable()
        render_pdf(html, base_url=base_url(profile))
        profiler.disable()
        stats = pstats.Stats(profiler).sort_stats("cumulative")
        stats.print_stats(45)
        stats.sort_stats("tottime").print_stats(30)
        return
    # CPU seconds beside wall seconds: on a shared machine the CPU time varies less.
    print(
        f"{'document':28} {'bytes html':>10} {'pages':>5} {'bytes pdf':>9} "
        f"{'min s':>7} {'median s':>8} {'min cpu s':>9}"
    )
    for page in pages:
        html = page.read_text()
        seconds, cpu = [], []
        for _ in range(n):
            start, start_cpu = time.perf_counter(), time.process_time()
            pdf = render_pdf(html, base_url=base_url(page.stem))
            seconds.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        page.with_suffix(".pdf").write_bytes(pdf)
        count = len(PdfReader(io.BytesIO(pdf)).pages)
        print(
            f"{page.stem:28} {len(html):>10,} {count:>5} {len(pdf):>9,} {min(seconds):>7.3f} "
            f"{statistics.median(seconds):>8.3f} {min(cpu):>9.3f}"
        )


def main() -> None:
    args = _arguments()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paritrana.settings")
    # The static files from the tree (no collected manifest needed), as the tests have them.
    os.environ.setdefault("STATIC_MANIFEST", "0")
    import django

    django.setup()
    if args.action == "html":
        write_html(args.folder)
    else:
        render(args.folder, args.n, args.profile)


if __name__ == "__main__":
    main()
