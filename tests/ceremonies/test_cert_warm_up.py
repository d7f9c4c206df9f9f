"""A worker process warms the certificate renderer up before its first task (a sample
certificate, no database), and a failing warm-up is logged without stopping the process. Every
render of a thread shares one WeasyPrint FontConfiguration."""

import io
import logging
import threading

from celery.signals import worker_process_init
from pypdf import PdfReader

import paritrana.pdf
from ceremonies import certificates, tasks
from paritrana.pdf import font_configuration, render_pdf


def test_the_warm_up_renders_a_sample_certificate_without_the_database():
    # No django_db mark: any query would fail the test.
    pdf = certificates.warm_up()

    reader = PdfReader(io.BytesIO(pdf))
    text = reader.pages[0].extract_text()
    assert len(reader.pages) == 1
    assert "Pemerintah Kota Contoh" in text
    assert "PRT-2000-N-00000000" in text


def test_a_worker_process_warms_up_once_as_it_starts(monkeypatch, caplog):
    calls = []
    monkeypatch.setattr(certificates, "warm_up", lambda: calls.append("rendered"))

    with caplog.at_level(logging.INFO, logger="ceremonies.tasks"):
        worker_process_init.send(sender=None)

    assert calls == ["rendered"]
    assert [r.getMessage().split(" in ")[0] for r in caplog.records] == [
        "Certificate renderer warmed up"
    ]


def test_a_failing_warm_up_is_logged_and_the_process_starts_all_the_same(monkeypatch, caplog):
    def broken():
        raise OSError("no fonts")

    monkeypatch.setattr(certificates, "warm_up", broken)

    with caplog.at_level(logging.INFO, logger="ceremonies.tasks"):
        assert tasks.warm_up_certificates() is None

    [record] = caplog.records
    assert (record.levelname, record.getMessage()) == (
        "WARNING",
        "Certificate warm-up failed; the worker starts cold",
    )
    assert record.exc_info[1].args == ("no fonts",)


def test_each_thread_renders_with_one_font_configuration_of_its_own(monkeypatch):
    made = []
    original = paritrana.pdf.FontConfiguration

    def counting():
        made.append(original())
        return made[-1]

    monkeypatch.setattr(paritrana.pdf, "FontConfiguration", counting)
    seen = {}

    def render_twice(name):
        for _ in range(2):
            render_pdf("<p>Piagam</p>", base_url="https://paritrana.example/v/1/")
        seen[name] = font_configuration()

    for name in ("a", "b"):
        thread = threading.Thread(target=render_twice, args=(name,))
        thread.start()
        thread.join()

    assert len(made) == 2  # one per thread, not one per render
    assert seen["a"] is made[0] and seen["b"] is made[1]
