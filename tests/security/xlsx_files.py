"""XLSX files crafted byte by byte for the upload tests (tests/security/test_uploads.py): a
workbook as openpyxl writes it, ZIP members deflated by hand (so that their declared sizes and
packing are what a test wants), zip bombs, a sheet with a row of one's own, shared strings."""

import io
import struct
import zipfile
import zlib

import openpyxl

from candidates.spreadsheets import BUSINESS_COLUMNS


def workbook(rows=(), header=None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Data"
    sheet.append(header or [c.header for c in BUSINESS_COLUMNS])
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def deflate(*segments: tuple[bytes, int]) -> tuple[bytes, int, int]:
    """A raw deflate stream of each (block, times) in turn, each block compressed once and its
    compressed form repeated (a full flush makes every copy independent): the stream, its
    CRC-32 and its unpacked size."""
    stream, crc, size = b"", 0, 0
    for block, times in segments:
        packer = zlib.compressobj(9, zlib.DEFLATED, -15)
        stream += (packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)) * times
        for _ in range(times):
            crc = zlib.crc32(block, crc)
        size += len(block) * times
    stream += zlib.compressobj(9, zlib.DEFLATED, -15).flush()  # the final, empty block
    return stream, crc, size


def zip_members(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A ZIP of already deflated members (name, stream, crc, size), written by hand because
    zipfile compresses what it writes."""
    local, central = b"", b""
    for name, stream, crc, size in members:
        encoded = name.encode()
        header = struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(stream), size, len(encoded), 0
        )
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            0,
            8,
            0,
            0,
            crc,
            len(stream),
            size,
            len(encoded),
            0,
            0,
            0,
            0,
            0,
            len(local),
        )
        central += encoded
        local += header + encoded + stream
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(local), 0
    )
    return local + central + end


def stored_members(content: bytes, replace: dict) -> list[tuple[str, bytes, int, int]]:
    """The members of a real workbook, deflated again, with `replace`'s members instead."""
    members = []
    with zipfile.ZipFile(io.BytesIO(content)) as source:
        for info in source.infolist():
            if info.filename in replace:
                members.append((info.filename, *replace[info.filename]))
            else:
                members.append((info.filename, *deflate((source.read(info.filename), 1))))
    return members


def zip_bomb(unpacked_mb: int) -> bytes:
    """A workbook as openpyxl writes it whose sheet XML is a real sheet of `unpacked_mb` MB of
    rows, packed about a thousand times."""
    content = workbook()
    with zipfile.ZipFile(io.BytesIO(content)) as source:
        sheet = source.read("xl/worksheets/sheet1.xml")
    start, end = sheet.split(b"</sheetData>")
    row = b'<row><c t="inlineStr"><is><t>bom</t></is></c></row>'
    block = row * (1024 * 1024 // len(row))
    stream = deflate((start, 1), (block, unpacked_mb), (b"</sheetData>" + end, 1))
    return zip_members(stored_members(content, {"xl/worksheets/sheet1.xml": stream}))


def sheet_with_row(row: bytes) -> bytes:
    """workbook() with one more row, as raw sheet XML, after the header."""
    content = workbook()
    with zipfile.ZipFile(io.BytesIO(content)) as source:
        sheet = source.read("xl/worksheets/sheet1.xml")
    start, end = sheet.split(b"</sheetData>")
    return zip_members(
        stored_members(
            content,
            {"xl/worksheets/sheet1.xml": deflate((start + row + b"</sheetData>" + end, 1))},
        )
    )


def with_shared_strings(*texts: bytes) -> bytes:
    """workbook() with these texts as its shared strings (as Excel writes texts; openpyxl
    writes them inline) and a row whose name cell is the first of them."""
    content = sheet_with_row(
        b'<row r="2"><c r="A2" t="inlineStr"><is><t>75000001</t></is></c>'
        b'<c r="B2" t="s"><v>0</v></c></row>'
    )
    part = (
        b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main">' + b"".join(b"<si><t>" + t + b"</t></si>" for t in texts)
    ) + b"</sst>"
    return zip_members(
        [*stored_members(content, {}), ("xl/sharedStrings.xml", *deflate((part, 1)))]
    )
