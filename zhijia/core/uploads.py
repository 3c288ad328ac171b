"""Uploaded photos, checked by their content (never by the file name or the browser's type)."""

from typing import Any

MAX_PHOTO_BYTES = 5 * 1024 * 1024


def image_extension(head: bytes) -> str | None:
    """ "jpg", "png" or "webp" by the first bytes; None for anything else."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def read_photo(upload: Any, max_bytes: int = MAX_PHOTO_BYTES) -> tuple[bytes, str] | None:
    """(content, extension) of a JPEG, PNG or WebP upload of at most `max_bytes`; None otherwise."""
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        return None
    if hasattr(upload, "seek"):
        upload.seek(0)
    content = upload.read(max_bytes + 1)
    extension = image_extension(content[:16])
    if not content or len(content) > max_bytes or extension is None:
        return None
    return content, extension
