from django.conf import settings
from django.conf.urls.i18n import i18n_patterns  # noqa: F401  (language chosen by cookie, not URL)
from django.conf.urls.static import static
from django.urls import include, path, re_path
from django.views.i18n import set_language

from zhijia.api.urls import api
from zhijia.core.uploads import serve_user_file
from zhijia.core.views import healthz, media_serve, root_redirect

urlpatterns = [
    path("", root_redirect, name="root"),
    path("healthz", healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", api.urls),
    path("console/", include("zhijia.staff.urls")),
    path("h5/", include("zhijia.h5.urls")),
]

# Uploaded files (station photos): as attachments with nosniff and a sandbox CSP. `make run`
# serves them through media_serve (no private exports either); in development `static()` with
# core.uploads.serve_user_file (it adds nothing unless DEBUG is on); in production the web server
# serves MEDIA_ROOT at MEDIA_URL with the same headers (docs/deploy.md, docs/security.md).
if settings.ZHIJIA_SERVE_MEDIA:
    urlpatterns += [re_path(r"^media/(?P<path>.+)$", media_serve, name="media")]
else:
    urlpatterns += static(settings.MEDIA_URL, view=serve_user_file, document_root=settings.MEDIA_ROOT)
