"""Console pages of honours' files: a nomination's page with its materials (事迹材料, 推荐表,
certificates; the nominating union adds them while it edits, the reviewing unions above read
them) and the evidence files on a star-rating assessment's items. Files come back only as
audited downloads (honours.files); a refused file shows the page again with the error under
its field (400)."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from zhijia.core.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from zhijia.core.ids import parse_uuid
from zhijia.core.masking import mask_text
from zhijia.honours import files
from zhijia.honours import selectors as sel
from zhijia.honours.enums import MaterialKind, NominationStatus
from zhijia.honours.permissions import access_nomination
from zhijia.orgs.access import scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.staff.decorators import staff_required

T = "staff/honours/"


def file_rows(items: Any, url: Any) -> list[dict]:
    """Rows for the file list: the caption masked, the kind translated, who added it, and
    `url(file)` to download it."""
    rows = []
    for f in items:
        kind = getattr(f, "kind", "")
        item = getattr(f, "item", None)
        rows.append(
            {
                "f": f,
                "caption": mask_text(f.caption),
                "kind": MaterialKind(kind).label if kind in MaterialKind.values else "",
                "by": str(f.uploaded_by) if f.uploaded_by is not None else "",
                "url": url(f),
                "item": item.criterion.title if item is not None else "",
            }
        )
    return rows


def upload_errors(request, exc: ApplicationError) -> dict:
    """A refused upload as the form shows it: errors per field, a summary, the values sent."""
    errors = {k: [str(m) for m in v] for k, v in exc.fields.items()} or {"": [str(exc.message)]}
    labels = {"file": _("File"), "kind": _("Kind"), "caption": _("Caption"), "item": _("Item")}
    summary = [(labels.get(k, ""), m) for k, v in errors.items() for m in v]
    values = {k: request.POST.get(k, "") for k in ("kind", "caption", "item")}
    return {"errors": errors, "summary": summary, "v": values}


def upload_step(request, add: Callable[[], Any], *, back: str, page: Callable[[dict], Any], done: str):
    """Run one file upload (`add`, an honours.files service): back to `back` saying `done`; a
    state that takes no more files (409) said at the top of the page; a refused file shows
    `page(upload)` again with its errors (400). 404 and 403 go on to the handler."""
    try:
        add()
    except (NotFound, PermissionDenied):
        raise
    except Conflict as exc:
        messages.error(request, str(exc.message))
        return redirect(back)
    except ApplicationError as exc:
        return page(upload_errors(request, exc))
    messages.success(request, done)
    return redirect(back)


def _may_add(user, nomination) -> bool:
    return nomination.status in (NominationStatus.DRAFT, NominationStatus.RETURNED) and scope_for(
        user, Cap.HONOURS_NOMINATE
    ).contains(nomination.org)


def _page(request, nomination, upload: dict | None = None, status: int = 200):
    context = {
        "n": nomination,
        "label": sel.nominee_label(nomination),
        "reviews": sel.reviews(nomination),
        "rows": file_rows(
            sel.materials_of(nomination),
            lambda f: reverse("staff:honours_material", kwargs={"pk": nomination.pk, "material": f.pk}),
        ),
        "may_add": _may_add(request.user, nomination),
        "kinds": MaterialKind.choices,
        "upload": upload or {},
    }
    return render(request, T + "nomination.html", context, status=status)


@staff_required
@require_GET
def nomination_page(request, pk):
    """A nomination with its review steps and materials (names masked); read by the nominating
    union and the unions above it (permissions.access_nomination)."""
    return _page(request, access_nomination(actor=request.user, id=pk))


@staff_required
@require_POST
def nomination_material_add(request, pk):
    nomination = access_nomination(actor=request.user, id=pk, cap=Cap.HONOURS_NOMINATE)
    return upload_step(
        request,
        lambda: files.material_add(
            actor=request.user,
            nomination=nomination,
            upload=request.FILES.get("file"),
            kind=request.POST.get("kind", ""),
            caption=request.POST.get("caption", ""),
        ),
        back=reverse("staff:honours_nomination", kwargs={"pk": pk}) + "#materials",
        page=lambda upload: _page(request, nomination, upload=upload, status=400),
        done=_("The material is attached."),
    )


@staff_required
@require_GET
def nomination_material(request, pk, material):
    """A material, only ever as a download, audited."""
    nomination = access_nomination(actor=request.user, id=pk)
    found = sel.materials_of(nomination).filter(pk=parse_uuid(material)).first()
    if found is None:
        raise NotFound(code="not_found")
    return files.material_download(actor=request.user, nomination=nomination, material=found)
