"""Test-only middleware: scans every response the suite produces for unmasked personal data,
and checks that every response to a logged-in request is `Cache-Control: no-store`.

SECURITY.md: "A regex scan of every response in the test suite finds no full ID number."
A response may carry personal data in clear only when a view marks it as an audited reveal
with the `X-Zhijia-Reveal` header.
"""

import gzip
import logging
import re

ID_RE = re.compile(r"(?<![0-9A-Za-z-])(\d{17}[\dXx])(?![0-9A-Za-z-])")
PHONE_RE = re.compile(r"(?<![0-9A-Za-z-])(1[3-9]\d{9})(?![0-9A-Za-z-])")
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"
TEXT_TYPES = ("text/", "application/json", "application/javascript")


def is_cn_id(candidate: str) -> bool:
    total = sum(int(d) * w for d, w in zip(candidate[:17], WEIGHTS, strict=True))
    return CHECK[total % 11] == candidate[17].upper()


def leaks(body: str) -> list[str]:
    found = [m for m in ID_RE.findall(body) if is_cn_id(m)]
    return found + PHONE_RE.findall(body)


class PersonalDataLeak(AssertionError):
    pass


class CacheableUserResponse(AssertionError):
    pass


def check_no_store(request, response) -> None:
    """Issue 16 §6: a response to a logged-in request (session or bearer token) may not be
    cached, unless its view opted out with core.middleware.allow_cache."""
    user = getattr(request, "user", None)
    logged_in = (user is not None and user.is_authenticated) or getattr(request, "auth", None) is not None
    settled = getattr(response, "allow_cache", False) or "no-store" in response.get("Cache-Control", "")
    if logged_in and not settled:
        raise CacheableUserResponse(
            f"{request.method} {request.path}: logged in, but no Cache-Control: no-store"
        )


INLINE_SCRIPT_RE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>\s*\S", re.IGNORECASE
)
HANDLER_ATTR_RE = re.compile(r"<[a-z][^>]*\s(on[a-z]+)\s*=|javascript:", re.IGNORECASE)
CSP_EXEMPT = ("/api/v1/docs",)


class InlineScript(AssertionError):
    pass


def check_csp(request, response, body: str) -> None:
    """Issue 16 §5: every HTML page carries the Content-Security-Policy and has no inline script
    and no event-handler attribute (which the policy would block in the browser)."""
    if not response.get("Content-Type", "").startswith("text/html") or request.path.startswith(CSP_EXEMPT):
        return
    if "script-src 'self'" not in response.get("Content-Security-Policy", "") and response.status_code < 500:
        raise InlineScript(f"{request.method} {request.path}: no Content-Security-Policy")
    found = INLINE_SCRIPT_RE.search(body) or HANDLER_ATTR_RE.search(body)
    if found:
        raise InlineScript(
            f"{request.method} {request.path}: inline script the CSP blocks: {found.group(0)[:80]}"
        )


class ResponseScanMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        check_no_store(request, response)
        content_type = response.get("Content-Type", "")
        if (
            getattr(response, "streaming", False)
            or response.has_header("X-Zhijia-Reveal")
            or not content_type.startswith(TEXT_TYPES)
        ):
            return response
        raw = response.content
        if response.get("Content-Encoding") == "gzip":  # a browser's page (CompressPagesMiddleware)
            raw = gzip.decompress(raw)
        body = raw.decode(response.charset or "utf-8", errors="replace")
        check_csp(request, response, body)
        found = leaks(body)
        if found:
            raise PersonalDataLeak(
                f"{request.method} {request.path} shows personal data unmasked: {found[:3]}"
            )
        return response


# --- logs -------------------------------------------------------------------------------------

LOG_LEAKS: list[str] = []


class LogScanHandler(logging.Handler):
    """Test settings install this on the root logger and on the loggers with their own handlers,
    behind the same `mask_pii` filter and the JSON formatter production uses: every record the
    suite produces is rendered with ALL its fields (extras such as `request` included) and
    scanned like a response. A leak is collected; tests/conftest.py fails the test that made it."""

    def emit(self, record: logging.LogRecord) -> None:
        line = self.format(record)
        found = leaks(line)
        if found:
            LOG_LEAKS.append(f"{record.name}: {found[:3]} in {line[:300]}")
