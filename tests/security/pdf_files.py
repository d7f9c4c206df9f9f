"""PDF files made byte by byte for the upload tests: a valid one-page PDF, with classic
cross-reference table, or with chosen objects packed in a compressed object stream (and a
cross-reference stream), so that what a PDF holds can be hidden where no byte pattern sees it."""

import zlib

CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"


def stream(data: bytes, dictionary: bytes = b"") -> bytes:
    return b"<< %s /Length %d >>\nstream\n%s\nendstream" % (dictionary, len(data), data)


def pdf(
    catalog: bytes = CATALOG,
    page: bytes = PAGE,
    *extra: bytes,
    packed: tuple[int, ...] = (),
    comment: bytes = b"",
) -> bytes:
    """Objects 1 (catalog), 2 (pages), 3 (page), then `extra` as 4, 5…; those numbered in
    `packed` go into a Flate-compressed object stream."""
    objects = {1: catalog, 2: PAGES, 3: page, **{4 + i: body for i, body in enumerate(extra)}}
    out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + comment
    offsets: dict[int, int] = {}
    for number, body in objects.items():
        if number not in packed:
            offsets[number] = len(out)
            out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    if not packed:
        size = len(objects) + 1
        xref_at = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % size
        out += b"".join(b"%010d 00000 n \n" % offsets[n] for n in range(1, size))
        out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref_at)
        return out
    # The object stream: "number offset" pairs, then the objects' bodies.
    bodies, pairs, at = b"", [], 0
    for number in packed:
        pairs.append(b"%d %d" % (number, at))
        bodies += objects[number] + b"\n"
        at = len(bodies)
    head = b" ".join(pairs) + b"\n"
    container = len(objects) + 1
    offsets[container] = len(out)
    packed_data = zlib.compress(head + bodies)
    out += b"%d 0 obj\n%s\nendobj\n" % (
        container,
        stream(
            packed_data,
            b"/Type /ObjStm /N %d /First %d /Filter /FlateDecode" % (len(packed), len(head)),
        ),
    )
    xref_number = container + 1
    offsets[xref_number] = len(out)
    rows = b"\x00" + (0).to_bytes(4, "big") + (65535).to_bytes(2, "big")
    for number in range(1, xref_number + 1):
        if number in packed:
            rows += b"\x02" + container.to_bytes(4, "big") + packed.index(number).to_bytes(2, "big")
        else:
            rows += b"\x01" + offsets[number].to_bytes(4, "big") + (0).to_bytes(2, "big")
    xref = stream(rows, b"/Type /XRef /Size %d /W [1 4 2] /Root 1 0 R" % (xref_number + 1))
    out += b"%d 0 obj\n%s\nendobj\n" % (xref_number, xref)
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[xref_number]
    return out


def catalog(extra: bytes) -> bytes:
    return CATALOG[:-2] + b" " + extra + b" >>"


def page(extra: bytes) -> bytes:
    return PAGE[:-2] + b" " + extra + b" >>"


SCRIPT = b"(app.alert\\(document.cookie\\))"
JS_ACTION = b"<< /S /JavaScript /JS " + SCRIPT + b" >>"

VALID = pdf()

# name → (the file, what the refusal names)
ACTIVE = {
    "open-action-script": (pdf(catalog(b"/OpenAction 4 0 R"), PAGE, JS_ACTION), "JS, JavaScript"),
    # The names escaped (#61 is "a", #53 "S"): a byte search for /JavaScript finds nothing.
    "escaped-names": (
        pdf(catalog(b"/OpenAction << /S /J#61vaScript /J#53 " + SCRIPT + b" >>")),
        "JS, JavaScript",
    ),
    # The catalog and its script compressed inside an object stream.
    "in-an-object-stream": (
        pdf(catalog(b"/OpenAction 4 0 R"), PAGE, JS_ACTION, packed=(1, 4)),
        "JS, JavaScript",
    ),
    "page-additional-action": (
        pdf(CATALOG, page(b"/AA << /O " + JS_ACTION + b" >>")),
        "JS, JavaScript",
    ),
    "names-javascript": (
        pdf(catalog(b"/Names << /JavaScript << /Names [(a) 4 0 R] >> >>"), PAGE, JS_ACTION),
        "JS, JavaScript",
    ),
    "launch": (pdf(catalog(b"/OpenAction << /S /Launch /F (cmd.exe) >>")), "Launch"),
    "embedded-file": (
        pdf(
            catalog(b"/Names << /EmbeddedFiles << /Names [(a.exe) 4 0 R] >> >>"),
            PAGE,
            b"<< /Type /Filespec /F (a.exe) /EF << /F 5 0 R >> >>",
            stream(b"MZ", b"/Type /EmbeddedFile"),
        ),
        "EmbeddedFile, EmbeddedFiles",
    ),
    "rich-media": (
        pdf(CATALOG, page(b"/Annots [<< /Type /Annot /Subtype /RichMedia /Rect [0 0 9 9] >>]")),
        "RichMedia",
    ),
    "xfa-form": (
        pdf(catalog(b"/AcroForm << /Fields [] /XFA 4 0 R >>"), PAGE, stream(b"<xdp/>")),
        "XFA",
    ),
    "javascript-link": (
        pdf(
            CATALOG,
            page(
                b"/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 9 9]"
                b" /A << /S /URI /URI (javascript:alert\\(1\\)) >> >>]"
            ),
        ),
        "URI javascript:",
    ),
}

# name → (the file, the markup the refusal names)
POLYGLOTS = {
    "html-in-a-comment": (pdf(comment=b"%<html><body><script>alert(1)</script>\n"), "<html"),
    "script-after-the-end": (
        VALID + b"<SCRIPT>alert(document.cookie)</SCRIPT>\n%%EOF\n",
        "<script",
    ),
    "svg-in-a-stream": (
        pdf(CATALOG, PAGE, stream(b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')),
        "<svg",
    ),
}

# Inert: a destination to open at, a /GoTo action, a web link.
INERT = {
    "open-at-a-destination": pdf(catalog(b"/OpenAction [3 0 R /Fit]")),
    "go-to-action": pdf(catalog(b"/OpenAction << /S /GoTo /D [3 0 R /Fit] >>")),
    "web-link": pdf(
        CATALOG,
        page(
            b"/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 9 9]"
            b" /A << /S /URI /URI (https://bpjsketenagakerjaan.go.id/) >> >>]"
        ),
    ),
    "packed-objects": pdf(CATALOG, PAGE, packed=(1, 2)),
}
