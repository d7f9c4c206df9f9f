"""What a legal product's PDF may not hold: active content a PDF reader runs or opens
(scripts, launched programs, embedded files, rich media, XFA forms, javascript: links), and
web-page markup that makes it a PDF/HTML polyglot. Used by validators.validate_pdf.

The PDF is parsed with pypdf (already a dependency, pure Python, with bounded decompression),
not grepped: a name may be written with #xx escapes (/J#61vaScript) or sit inside a compressed
object stream, where no byte pattern sees it. Every object the cross-reference lists is read,
whether or not the catalog reaches it, and each object stream's decoded text is read for names
too, for objects a repairing reader would find that the cross-reference does not list."""

import logging
import re

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

# Keys whose presence is active content, and names that as a value (/S /JavaScript, /Type
# /EmbeddedFile, /Subtype /RichMedia) make an action or an object active. /OpenAction and /AA
# (additional actions) are refused through what they hold: a destination or a /GoTo is inert.
_ACTIVE_KEYS = frozenset(
    {"/JS", "/JavaScript", "/EmbeddedFiles", "/EmbeddedFile", "/RichMedia", "/XFA", "/Launch"}
)
_ACTIVE_VALUES = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/EmbeddedFile",
        "/RichMedia",
        "/RichMediaExecute",
        "/ImportData",
        "/SubmitForm",
        "/GoToE",
        "/Rendition",
        "/Sound",
        "/Movie",
    }
)
_NAMES = _ACTIVE_KEYS | _ACTIVE_VALUES
# A name token in a decoded object stream, #xx escapes included.
_NAME_TOKEN = re.compile(rb"/([^\s/<>\[\]()%{}]+)")
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# Markup a browser or an HTML parser acts on. Searched in the raw bytes: a polyglot's markup is
# outside any stream, where no PDF object holds it.
_MARKUP = re.compile(rb"<(html|script|svg|body|iframe)[\s>/]", re.IGNORECASE)
_PIECE = 1024 * 1024


class Unreadable(Exception):
    """pypdf cannot read the file as a PDF."""


def markup_in(upload) -> str | None:
    """The first web-page tag in the file (e.g. "<script"), or None. The file is rewound."""
    upload.seek(0)
    tail = b""
    try:
        while block := upload.read(_PIECE):
            match = _MARKUP.search(tail + block)
            if match:
                return "<" + match.group(1).decode("ascii").lower()
            tail = block[-16:]
    finally:
        upload.seek(0)
    return None


def active_content_in(upload) -> list[str]:
    """The names of active content the PDF holds, sorted ([] for none). Raises Unreadable for a
    file pypdf cannot read. The file is rewound."""
    upload.seek(0)
    found: set[str] = set()
    # pypdf logs every repair of a damaged file; a refusal is the answer, not a log line.
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        reader = PdfReader(upload, strict=False)
        _walk(reader.trailer, found)
        numbers = {(num, gen) for gen, table in reader.xref.items() for num in table}
        numbers |= {(num, 0) for num in reader.xref_objStm}
        for num, gen in sorted(numbers):
            obj = reader.get_object(IndirectObject(num, gen, reader))
            if obj is None:
                continue
            _walk(obj, found)
            if isinstance(obj, DictionaryObject) and obj.get("/Type") == "/ObjStm":
                found |= _names_in_object_stream(obj)
    except Unreadable:
        raise
    except Exception:  # any failure of the parser on a hostile file: it is not read, so refused
        raise Unreadable from None
    finally:
        logger.setLevel(level)
        upload.seek(0)
    return sorted(name.lstrip("/") for name in found)


def _walk(obj, found: set[str], depth: int = 0) -> None:
    """Active keys and values in `obj` and the direct objects it holds (an indirect reference is
    an object of its own, read from the cross-reference)."""
    if depth > 64:
        raise Unreadable
    if isinstance(obj, DictionaryObject):
        for key, value in obj.items():
            if key in _ACTIVE_KEYS:
                found.add(key)
            if key == "/URI" and _script_uri(value):
                found.add("/URI javascript:")
            _walk(value, found, depth + 1)
    elif isinstance(obj, ArrayObject):
        for item in obj:
            _walk(item, found, depth + 1)
    elif isinstance(obj, NameObject) and obj in _ACTIVE_VALUES:
        found.add(str(obj))


def _script_uri(value) -> bool:
    text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
    return "".join(text.split()).lower().startswith(("javascript:", "vbscript:", "data:"))


def _names_in_object_stream(stream) -> set[str]:
    data = stream.get_data()
    names = set()
    for token in _NAME_TOKEN.findall(data):
        name = "/" + _ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), token).decode("latin-1")
        if name in _NAMES:
            names.add(name)
    return names
