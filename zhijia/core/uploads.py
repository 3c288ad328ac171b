"""Uploaded photos, checked by their content (never by the file name or the browser's type), and
the way user files are served back.

`read_photo` decodes the whole image with Pillow and stores a fresh encoding of its pixels: a
file that only starts like an image (a JPEG header followed by `<script>`) does not decode and
is refused; bytes appended after a valid image, comments and metadata (EXIF with its GPS
position, XMP, ICC text) are not carried over. The picture is turned upright first (EXIF
orientation), so dropping EXIF does not rotate it. Decompression bombs (more than
MAX_PHOTO_PIXELS pixels) are refused before they are decoded.

`serve_user_file` serves MEDIA_ROOT in development with the headers the front web server must
send in production (docs/security.md): `Content-Disposition: attachment`, `nosniff` and a
sandboxing Content-Security-Policy, so a stored file can never run as a page of our origin.
"""

import io
import mimetypes
import warnings
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from django.views.static import serve
from PIL import Image, ImageOps, UnidentifiedImageError

from zhijia.core.errors import field_error

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000  # 40 megapixels: every phone camera, far from a bomb
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def image_extension(head: bytes) -> str | None:
    """ "jpg", "png" or "webp" by the first bytes; None for anything else."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def _reencode(content: bytes, extension: str) -> bytes | None:
    """The image's pixels, decoded in full and encoded again without metadata; None when the
    content is not a whole, sane image of the format its first bytes claim."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content), formats=list(FORMATS)) as probe:
                if FORMATS.get(probe.format or "") != extension:
                    return None
                width, height = probe.size
                if width < 1 or height < 1 or width * height > MAX_PHOTO_PIXELS:
                    return None
                probe.verify()  # structure and checksums
            with Image.open(io.BytesIO(content), formats=list(FORMATS)) as image:
                image.load()  # every pixel: a truncated or forged body fails here
                upright = ImageOps.exif_transpose(image)
                out = io.BytesIO()
                if extension == "jpg":
                    rgb = upright if upright.mode in ("RGB", "L") else upright.convert("RGB")
                    rgb.save(out, "JPEG", quality=88, optimize=True)
                elif extension == "png":
                    keep = (
                        upright
                        if upright.mode in ("RGB", "RGBA", "L", "LA", "P")
                        else upright.convert("RGBA")
                    )
                    keep.save(out, "PNG", optimize=True)
                else:
                    keep = upright if upright.mode in ("RGB", "RGBA") else upright.convert("RGBA")
                    keep.save(out, "WEBP", quality=88)
                return out.getvalue()
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        return None
    except (OSError, ValueError, SyntaxError, EOFError, MemoryError):
        return None


def read_photo(upload: Any, max_bytes: int = MAX_PHOTO_BYTES) -> tuple[bytes, str] | None:
    """(content, extension) of a JPEG, PNG or WebP upload of at most `max_bytes`, re-encoded
    (see the module text); None otherwise."""
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        return None
    if hasattr(upload, "seek"):
        upload.seek(0)
    content = upload.read(max_bytes + 1)
    extension = image_extension(content[:16])
    if not content or len(content) > max_bytes or extension is None:
        return None
    clean = _reencode(content, extension)
    if clean is None:
        return None
    return clean, extension


def read_document(upload: Any, max_bytes: int = MAX_PHOTO_BYTES) -> tuple[bytes, str]:
    """(content, extension) of a photo (re-encoded by `read_photo`) or a PDF of at most
    `max_bytes`, by its content alone: the file's name and the browser's type are ignored (a
    real PNG called scan.pdf is kept as the PNG it is; a text file called photo.jpg is
    refused). Each refusal is a field error on `file` saying what was wrong."""
    too_big = _("The file is larger than 5 MB.")
    if upload is None or not hasattr(upload, "read"):
        raise field_error("file", _("Choose a file to upload."))
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise field_error("file", too_big)
    if hasattr(upload, "seek"):
        upload.seek(0)
    head = upload.read(16)
    if not head:
        raise field_error("file", _("The file is empty."))
    message = _("Choose a photo (JPEG, PNG, WebP) or a PDF of at most 5 MB.")
    if image_extension(head):
        photo = read_photo(upload, max_bytes)
        if photo is None:
            raise field_error("file", message)
        return photo
    if hasattr(upload, "seek"):
        upload.seek(0)
    content = upload.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise field_error("file", too_big)
    if not is_pdf(content):
        raise field_error("file", message)
    return content, "pdf"


def is_pdf(content: bytes) -> bool:
    """Starts and ends like a PDF (it is only ever served as a download, never rendered)."""
    return content.startswith(b"%PDF-") and b"%%EOF" in content[-1024:]


def download_response(content: bytes | memoryview, filename: str) -> HttpResponse:
    """Stored bytes as a download: never inline, nosniff, sandboxed (USER_FILE_HEADERS)."""
    response = HttpResponse(bytes(content), content_type="application/octet-stream")
    for name, value in USER_FILE_HEADERS.items():
        response[name] = value
    safe = filename.replace('"', "").replace("\r", "").replace("\n", "")
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    return response


USER_FILE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cross-Origin-Resource-Policy": "same-origin",
}
SAFE_INLINE_TYPES = {"image/jpeg", "image/png", "image/webp"}


def user_file_headers(response: HttpResponseBase, path: str) -> HttpResponseBase:
    """The headers every user file is served with (also what the front web server must send)."""
    for name, value in USER_FILE_HEADERS.items():
        response[name] = value
    kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
    if kind not in SAFE_INLINE_TYPES:
        kind = "application/octet-stream"
    response["Content-Type"] = kind
    name = path.rsplit("/", 1)[-1].replace('"', "")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def serve_user_file(request: HttpRequest, path: str, document_root: Any = None) -> HttpResponseBase:
    """django.views.static.serve for MEDIA_ROOT, with USER_FILE_HEADERS and an attachment
    disposition (an <img> still shows it; a browser never renders it as a page)."""
    response = serve(request, path, document_root=document_root)
    return user_file_headers(response, path)
