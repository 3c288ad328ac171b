"""Presentation helpers shared by the three interfaces (api, staff, h5), which never import one
another (import-linter): responses and form errors, the station map and opening-hours display.
Nothing here decides anything; domains never import it."""
