"""Static files storage for DEBUG-off settings (`make run`, production): whitenoise's hashed
names (cached for a year) and precompressed copies, minus the source-map rewriting.

The vendored libraries end in `sourceMappingURL` comments whose .map files are not shipped;
Django's manifest storage would refuse to collect them. Browsers only fetch a map when the
developer tools are open, so leaving the comment unrewritten costs nothing."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    patterns = (
        (
            "*.css",
            (
                r"""(?P<matched>url\(['"]{0,1}\s*(?P<url>.*?)["']{0,1}\))""",
                (r"""(?P<matched>@import\s*["']\s*(?P<url>.*?)["'])""", """@import url("%(url)s")"""),
            ),
        ),
    )
    keep_intermediate_files = False
