"""Issue 16 §8: uploads are judged by decoding them, not by their first bytes; photos are stored
re-encoded (EXIF and its GPS position gone); user files are served as attachments with nosniff;
an xlsx zip bomb is refused before it is unpacked into memory."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from PIL import Image

from zhijia.core.imports import Column, ImportFileError, check_archive, read_rows, workbook_bytes
from zhijia.core.uploads import read_photo, serve_user_file


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (16, 12), "green")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = {1: "N", 2: (22.0, 31.0, 5.0), 3: "E", 4: (114.0, 4.0, 30.0)}
    exif[0x8825] = gps  # GPSInfo
    exif[0x0112] = 6  # orientation: rotate 90° to show upright
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def upload(content: bytes, name: str = "p.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def test_a_jpeg_header_followed_by_script_is_refused():
    assert read_photo(upload(b"\xff\xd8\xff\xe0<script>alert(document.cookie)</script>")) is None
    assert read_photo(upload(b"\x89PNG\r\n\x1a\n<svg onload=alert(1)>", "p.png")) is None
    assert read_photo(upload(b"RIFF\x00\x00\x00\x00WEBP<html>", "p.webp")) is None


def test_a_real_jpeg_with_script_appended_is_stored_without_it():
    content = jpeg_with_gps() + b"<script>alert(1)</script>"
    stored, extension = read_photo(upload(content))
    assert extension == "jpg" and b"<script>" not in stored
    assert Image.open(io.BytesIO(stored)).format == "JPEG"


def test_exif_and_gps_are_stripped_and_the_picture_turned_upright():
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get(0x8825) is not None
    stored, _ext = read_photo(upload(original))
    image = Image.open(io.BytesIO(stored))
    assert not image.getexif()  # no EXIF at all: no GPS, no maker
    assert b"PhoneMaker" not in stored
    assert image.size == (12, 16)  # orientation 6 applied before EXIF was dropped


def test_png_and_webp_round_trip():
    for fmt, ext in (("PNG", "png"), ("WEBP", "webp")):
        out = io.BytesIO()
        Image.new("RGBA", (5, 5), (1, 2, 3, 128)).save(out, fmt)
        stored, extension = read_photo(upload(out.getvalue(), f"p.{ext}"))
        assert extension == ext and Image.open(io.BytesIO(stored)).format == fmt


def test_a_format_that_lies_about_itself_is_refused():
    out = io.BytesIO()
    Image.new("RGB", (5, 5)).save(out, "GIF")
    assert read_photo(upload(b"\xff\xd8\xff" + out.getvalue())) is None


def test_a_pixel_bomb_is_refused():
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, "PNG")  # 100 megapixels in a few kB
    assert len(out.getvalue()) < 100_000
    assert read_photo(upload(out.getvalue(), "p.png")) is None


def test_user_files_are_served_as_attachments_with_nosniff(tmp_path):
    (tmp_path / "x.jpg").write_bytes(b"\xff\xd8\xff<script>")
    (tmp_path / "x.html").write_bytes(b"<script>alert(1)</script>")
    request = RequestFactory().get("/media/x.jpg")
    for name, kind in (("x.jpg", "image/jpeg"), ("x.html", "application/octet-stream")):
        response = serve_user_file(request, name, document_root=str(tmp_path))
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment")
        assert response["Content-Type"] == kind
        assert "sandbox" in response["Content-Security-Policy"]


COLUMNS = [Column("name", "姓名", required=True)]


def bomb(unpacked: int) -> bytes:
    """A valid-looking xlsx whose sheet XML is `unpacked` bytes of padding (compresses ~1000:1)."""
    real = zipfile.ZipFile(io.BytesIO(workbook_bytes(title="x", columns=COLUMNS, rows=[["张三"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in real.infolist():
            data = real.read(info)
            if info.filename.endswith("sheet1.xml"):
                data = data.replace(b"</worksheet>", b"<!--" + b" " * unpacked + b"--></worksheet>")
            z.writestr(info.filename, data)
    return out.getvalue()


def test_an_xlsx_zip_bomb_is_refused_before_unpacking(settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = 20 * 1024 * 1024
    source = bomb(30 * 1024 * 1024)
    assert len(source) < 200_000
    with pytest.raises(ImportFileError):
        check_archive(source)
    with pytest.raises(ImportFileError):
        read_rows(source, COLUMNS)
    ok = bomb(1024)
    check_archive(ok)
    assert [r for _n, r in read_rows(ok, COLUMNS)] == [{"name": "张三"}]


def test_a_forged_declared_size_fails_its_check(settings):
    """The central directory may claim a small size: the streamed pass reads what is really
    there and the CRC check refuses the lie."""
    settings.IMPORT_MAX_UNPACKED_BYTES = 20 * 1024 * 1024
    source = bytearray(bomb(30 * 1024 * 1024))
    # shrink every declared uncompressed size of the sheet in the central directory to 1000
    at = source.find(b"PK\x01\x02")
    while at != -1:
        name_len = int.from_bytes(source[at + 28 : at + 30], "little")
        name = bytes(source[at + 46 : at + 46 + name_len])
        if name.endswith(b"sheet1.xml"):
            source[at + 24 : at + 28] = (1000).to_bytes(4, "little")
        at = source.find(b"PK\x01\x02", at + 4)
    with pytest.raises(ImportFileError):
        check_archive(bytes(source))
