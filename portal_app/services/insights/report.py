"""The firm's figures for one set of filters, as plain rows (for the page's tables and charts) and as
CSV. Each figure's one-sentence definition is the translation key `insights.<key>.definition`."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import select

from models import CaseType, MatterTag, User
from portal_app.services.insights import figures
from portal_app.services.insights.filters import PILOT_TAG, Filters
from portal_app.services.kernel import db, policy
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.clock import utcnow

COHORTS = ("pilot", "rest")
COLUMNS = {
    "adoption": ["month", "cohort", "invited", "signed_in", "active", "signed_in_rate", "active_rate"],
    "completeness": ["case_type", "item", "cohort", "reviewed", "first_time", "share"],
    "payment": ["kind", "method", "cohort", "paid", "median_days", "p90_days"],
    "support": ["topic", "week", "cohort", "requests"],
    "filing": ["case_type", "cohort", "opened", "filed", "median_days", "p90_days"],
    "reminders": ["case_type", "cohort", "matters", "reminders", "per_matter"],
}
# What each chart's points are labelled by: a column's raw value, or for payment (kind, method)
LABELLED = {"adoption": "month", "completeness": "case_type", "payment": ("kind", "method"), "support": "week",
            "filing": "case_type", "reminders": "case_type"}
CHARTED = {"adoption": "signed_in_rate", "completeness": "share", "payment": "median_days", "support": "requests",
           "filing": "median_days", "reminders": "per_matter"}


@dataclass(frozen=True)
class Figure:
    key: str
    rows: list[dict] = field(default_factory=list)  # raw values keyed by COLUMNS[key]
    chart: list[dict] = field(default_factory=list)  # {"label", "pilot", "rest"}; the label's column in LABELLED
    available: bool = True

    @property
    def columns(self) -> list[str]:
        return COLUMNS[self.key]


@dataclass(frozen=True)
class Report:
    filters: Filters
    computed_at: datetime
    figures: list[Figure]
    pilot_matters: int
    case_types: list[tuple[str, str]]  # (code, name)
    attorneys: list[tuple[str, str]]  # (id, name)

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)


def _share(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _chart(rows: list[dict], label_of, measure: str) -> list[dict]:
    points: dict[object, dict] = {}
    for row in rows:
        point = points.setdefault(label_of(row), {"label": label_of(row), "pilot": 0, "rest": 0})
        point[row["cohort"]] = row[measure] if row[measure] is not None else 0
    return list(points.values())


def _adoption(raw: list[dict]) -> Figure:
    rows = [{**r, "active": int(r["active"] or 0), "signed_in_rate": _share(r["signed_in"], r["invited"]),
             "active_rate": _share(int(r["active"] or 0), r["invited"])} for r in raw if r["month"]]
    return Figure("adoption", rows, _chart(rows, lambda r: r["month"], "signed_in_rate"))


def _completeness(raw: list[dict]) -> Figure:
    rows = [{"case_type": r["case_type"], "item": r["title"] or r["item"], "cohort": r["cohort"],
             "reviewed": r["reviewed"], "first_time": int(r["first_time"] or 0),
             "share": _share(int(r["first_time"] or 0), r["reviewed"])} for r in raw]
    totals: dict[tuple[str, str], list[int]] = {}
    for r in rows:
        acc = totals.setdefault((r["case_type"], r["cohort"]), [0, 0])
        acc[0], acc[1] = acc[0] + r["first_time"], acc[1] + r["reviewed"]
    by_type = [{"case_type": k[0], "cohort": k[1], "share": _share(v[0], v[1])} for k, v in totals.items()]
    return Figure("completeness", rows, _chart(by_type, lambda r: r["case_type"], "share"))


def _durations(key: str, raw: list[dict], label_of) -> Figure:
    rows = []
    for r in raw:
        row = {k: v for k, v in r.items() if k not in ("n", "median", "p90")}
        row.update({"median_days": figures.days(r["median"]), "p90_days": figures.days(r["p90"])})
        row["paid" if key == "payment" else "filed"] = r["n"]
        rows.append(row)
    return Figure(key, rows, _chart(rows, label_of, "median_days"))


def _filing(filed: list[dict], opened: list[dict]) -> Figure:
    counts = {(r["case_type"], r["cohort"]): r["opened"] for r in opened}
    merged = {(r["case_type"], r["cohort"]): r for r in filed}
    raw = [merged.get(k, {"case_type": k[0], "cohort": k[1], "n": 0, "median": None, "p90": None})
           for k in sorted(counts)]
    figure = _durations("filing", raw, lambda r: r["case_type"])
    rows = [{**r, "opened": counts[(r["case_type"], r["cohort"])]} for r in figure.rows]
    return Figure("filing", rows, figure.chart)


def _reminders(raw: list[dict]) -> Figure:
    rows = [{**r, "reminders": int(r["reminders"] or 0),
             "per_matter": round(int(r["reminders"] or 0) / r["matters"], 2) if r["matters"] else None} for r in raw]
    return Figure("reminders", rows, _chart(rows, lambda r: r["case_type"], "per_matter"))


def _support(raw: list[dict] | None) -> Figure:
    """The table by topic and week; the chart sums the topics of each week."""
    if raw is None:
        return Figure("support", [], [], available=False)
    weekly: dict[tuple[str, str], int] = {}
    for r in raw:
        weekly[(r["week"], r["cohort"])] = weekly.get((r["week"], r["cohort"]), 0) + r["requests"]
    sums = [{"week": w, "cohort": c, "requests": n} for (w, c), n in sorted(weekly.items())]
    return Figure("support", raw, _chart(sums, lambda r: r["week"], "requests"))


def compute(actor: Actor, f: Filters, now: datetime | None = None) -> Report:
    """Every figure for these filters, firm-wide (partners and admins only). Eight statements in all,
    whatever the size of the practice."""
    policy.require(actor, "insights.view")
    now = now or utcnow()
    with db.read() as s:
        support = figures.support_volume(s, f)
        built = [
            _adoption(figures.adoption(s, f, now)),
            _completeness(figures.completeness(s, f)),
            _durations("payment", figures.time_to_payment(s, f), lambda r: (r["kind"], r["method"])),
            _support(support),
            _filing(*figures.time_to_file(s, f)),
            _reminders(figures.reminders_per_matter(s, f)),
        ]
        pilot = s.exec(select(MatterTag.matter_id).where(MatterTag.tag == PILOT_TAG)).all()
        kinds = s.exec(select(CaseType.code, CaseType.name).where(CaseType.is_active).order_by(CaseType.name)).all()
        lawyers = s.exec(select(User.id, User.full_name).where(User.role.in_(["attorney", "admin"]), User.is_active)
                         .order_by(User.full_name)).all()
    return Report(f, now, built, len(pilot), [(c, n) for c, n in kinds], [(str(i), n) for i, n in lawyers])


def to_csv(report: Report) -> str:
    """The same figures in long form: figure, group, cohort, measure, value (one row per number)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    f = report.filters
    writer.writerow(["figure", "group", "cohort", "measure", "value"])
    writer.writerow(["filters", f"{f.start.isoformat()}..{f.end.isoformat()}", "", "case_type", f.case_type or "all"])
    writer.writerow(["filters", "", "", "attorney", f.attorney_id or "all"])
    for figure in report.figures:
        if not figure.available:
            writer.writerow([figure.key, "", "", "available", "no"])
            continue
        dims = [c for c in figure.columns if c != "cohort" and not _is_measure(figure, c)]
        for row in figure.rows:
            group = " / ".join(str(row.get(d, "")) for d in dims)
            for measure in figure.columns:
                if _is_measure(figure, measure):
                    value = row.get(measure)
                    writer.writerow([figure.key, group, row["cohort"], measure, "" if value is None else value])
    return out.getvalue()


def _is_measure(figure: Figure, column: str) -> bool:
    return column not in ("month", "case_type", "item", "kind", "method", "topic", "week", "cohort")
