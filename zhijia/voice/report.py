"""The compiled report of a consultation as xlsx: one row per opinion (merged ones under the
opinion they were merged into), authors masked, tags and outcome."""

from django.utils.translation import gettext as _

from zhijia.core.imports import Column, workbook_bytes

from .models import Consultation
from .selectors import author_label, opinions


def report_xlsx(consultation: Consultation) -> bytes:
    columns = [
        Column("article", _("Article")),
        Column("source", _("From")),
        Column("author", _("Author")),
        Column("text", _("Opinion")),
        Column("tags", _("Tags")),
        Column("merged", _("Merged into")),
        Column("outcome", _("Outcome")),
        Column("reason", _("Reason")),
    ]
    items = list(opinions(consultation).order_by("article__order", "created_at"))
    index = {o.pk: i + 1 for i, o in enumerate(items)}
    rows = [
        [
            o.article.number if o.article else _("The whole draft"),
            str(o.get_source_display()),
            author_label(o),
            o.text,
            "、".join(o.tags),
            f"#{index[o.merged_into_id]}" if o.merged_into_id in index else "",
            str(o.get_outcome_display()),
            o.reason,
        ]
        for o in items
    ]
    return workbook_bytes(title=consultation.title, columns=columns, rows=rows)
