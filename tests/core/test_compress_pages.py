"""Issue 16: pages and JSON go out gzip-compressed to a browser that accepts it, except a
response that shows personal data in full; static files are whitenoise's business."""

import gzip

from django.http import HttpResponse
from django.test import RequestFactory

from zhijia.core.middleware import CompressPagesMiddleware

PAGE = "<p>" + "工会 " * 400 + "</p>"


def _through(response, accept="gzip, deflate"):
    request = RequestFactory().get("/h5/", HTTP_ACCEPT_ENCODING=accept)
    return CompressPagesMiddleware(lambda r: response)(request)


def test_a_page_is_compressed_for_a_browser_that_accepts_gzip():
    response = _through(HttpResponse(PAGE, content_type="text/html; charset=utf-8"))
    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content).decode() == PAGE
    assert len(response.content) < len(PAGE.encode()) / 5


def test_no_compression_without_accept_encoding_for_a_reveal_or_for_files():
    assert not _through(HttpResponse(PAGE, content_type="text/html"), accept="").has_header(
        "Content-Encoding"
    )
    revealed = HttpResponse(PAGE, content_type="text/html")
    revealed["X-Zhijia-Reveal"] = "1"
    assert not _through(revealed).has_header("Content-Encoding")
    xlsx = HttpResponse(b"PK" + b"0" * 2000, content_type="application/vnd.ms-excel")
    assert not _through(xlsx).has_header("Content-Encoding")


def test_the_site_compresses_its_pages(client):
    response = client.get("/h5/login/", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert b"<html" in gzip.decompress(response.content)
