"""SQL pieces every figure shares, written once for SQLite and PostgreSQL: the seconds between two
timestamps, and the median and 90th percentile of a grouped set of durations in one statement
(nearest-rank: the value at rank ceil(p * n) of the n sorted values), with window functions."""
from __future__ import annotations

import sqlalchemy as sa


def seconds_between(dialect: str, start, end) -> sa.ColumnElement[float]:
    if dialect == "sqlite":
        return (sa.func.julianday(end) - sa.func.julianday(start)) * 86400.0
    return sa.extract("epoch", end - start)


def percentiles(durations: sa.Subquery, groups: list[str], value: str = "seconds") -> sa.Select:
    """One row per group: the group columns, n, median and p90 of `value` (nearest rank)."""
    keys = [durations.c[g] for g in groups]
    ranked = sa.select(
        *keys, durations.c[value].label("v"),
        sa.func.row_number().over(partition_by=keys, order_by=durations.c[value]).label("rn"),
        sa.func.count().over(partition_by=keys).label("n"),
    ).subquery("ranked")
    rk = [ranked.c[g] for g in groups]
    median_rank = (ranked.c.n + 1) // 2
    p90_rank = (ranked.c.n * 9 + 9) // 10
    return (
        sa.select(*rk, sa.func.max(ranked.c.n).label("n"),
                  sa.func.max(sa.case((ranked.c.rn == median_rank, ranked.c.v))).label("median"),
                  sa.func.max(sa.case((ranked.c.rn == p90_rank, ranked.c.v))).label("p90"))
        .group_by(*rk)
        .order_by(*rk)
    )


def month_bucket(column, months: list[tuple[str, object, object]]) -> sa.ColumnElement[str]:
    """The local month (YYYY-MM) a UTC timestamp falls in, as one CASE over the period's months."""
    if not months:
        return sa.literal("")
    return sa.case(*[(sa.and_(column >= first, column < after), label) for label, first, after in months],
                   else_="")
