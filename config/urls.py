from django.conf import settings
from django.conf.urls.i18n import i18n_patterns  # noqa: F401  (language chosen by cookie, not URL)
from django.conf.urls.static import static
from django.urls import include, path, re_path
from django.views.i18n import set_language

from zhijia.api.urls import api
from zhijia.core.views import healthz, media_serve, root_redirect

urlpatterns = [
    path("", root_redirect, name="root"),
    path("healthz", healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", api.urls),
    path("console/", include("zhijia.staff.urls")),
    path("h5/", include("zhijia.h5.urls")),
]

# Uploaded files (station photos) in development; in production the web server serves MEDIA_ROOT
# at MEDIA_URL (docs/deploy.md). `static()` adds nothing unless DEBUG is on; `make run` serves
# them through media_serve (nosniff, attachment, no private exports).
if settings.ZHIJIA_SERVE_MEDIA:
    urlpatterns += [re_path(r"^media/(?P<path>.+)$", media_serve, name="media")]
else:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
