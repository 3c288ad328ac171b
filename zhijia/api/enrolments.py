"""/api/v1 enrolments: POST /activities/<id>/enrolments, DELETE /enrolments/<id>, /me/enrolments…"""

from ninja import Router

router = Router(tags=["enrolments"])
