"""Query expressions the ORM lacks."""

from typing import Any

from django.db.models import BooleanField, Expression, F, QuerySet, Subquery


class InArray(Expression):
    """`field IN (subquery)` written for PostgreSQL as `field = ANY(ARRAY(subquery))`: the subquery
    runs once, first, and the outer table is read by its index for those values. As `IN`, the
    planner may instead join — scanning the outer table — when it underestimates how many rows
    the subquery gives (the labour matches: 9,900 of 100,000 people, bench/labour.py). Other
    databases get the plain `IN`. Use as a filter: `qs.filter(InArray("pk", subquery_qs))`."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, field: str, queryset: QuerySet[Any]) -> None:
        super().__init__()
        self.lhs: Any = F(field)
        self.subquery: Any = Subquery(queryset)

    def get_source_expressions(self) -> list[Any]:
        return [self.lhs, self.subquery]

    def set_source_expressions(self, exprs: Any) -> None:
        self.lhs, self.subquery = exprs

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = compiler.compile(self.lhs)
        sub, sub_params = compiler.compile(self.subquery)  # "(SELECT …)"
        template = "%s = ANY(ARRAY%s)" if connection.vendor == "postgresql" else "%s IN %s"
        return template % (lhs, sub), (*lhs_params, *sub_params)
