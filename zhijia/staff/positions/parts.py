"""Rooms and photos of a position (console). Each change goes through its service (audited);
the forms sit on the detail page and post here."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zhijia.core.errors import ApplicationError, NotFound
from zhijia.positions import services
from zhijia.positions.permissions import access_photo, access_position, access_room
from zhijia.staff.decorators import staff_required
from zhijia.web.responses import apply_errors

from .forms import PhotoForm, RoomForm

T = "staff/positions/"


@staff_required
@require_http_methods(["GET", "POST"])
def room_add(request, pk):
    position = access_position(actor=request.user, id=pk)
    form = RoomForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.room_save(actor=request.user, position=position, data=form.cleaned_data)
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Room added."))
            return redirect("staff:position_detail", pk=position.pk)
    return render(request, T + "part_form.html", {"p": position, "form": form, "title": _("Add a room")})


@staff_required
@require_POST
def room_delete(request, pk, room_id):
    room = access_room(actor=request.user, id=room_id)
    if str(room.position_id) != str(pk):
        raise NotFound()
    services.room_delete(actor=request.user, room=room)
    messages.success(request, _("Room removed."))
    return redirect("staff:position_detail", pk=room.position_id)


@staff_required
@require_http_methods(["GET", "POST"])
def photo_add(request, pk):
    position = access_position(actor=request.user, id=pk)
    form = PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.photo_add(
                actor=request.user,
                position=position,
                upload=form.cleaned_data["image"],
                caption=form.cleaned_data["caption"],
            )
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Photo added."))
            return redirect("staff:position_detail", pk=position.pk)
    context = {"p": position, "form": form, "title": _("Add a photo"), "multipart": True}
    return render(request, T + "part_form.html", context)


@staff_required
@require_POST
def photo_delete(request, pk, photo_id):
    photo = access_photo(actor=request.user, id=photo_id)
    if str(photo.position_id) != str(pk):
        raise NotFound()
    services.photo_delete(actor=request.user, photo=photo)
    messages.success(request, _("Photo removed."))
    return redirect("staff:position_detail", pk=photo.position_id)
