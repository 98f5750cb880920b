"""Results as data: tables by cluster, year and province, SVG charts, CSV/JSON downloads, editors' warnings."""
from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
from dataclasses import dataclass
from typing import Iterable, Mapping, NamedTuple

from ..common.messages import say
from ..common.problems import Problem
from ..common.vietnamese import format_number, format_quantity, slugify
from ..site.config import Indicator, SiteConfig
from ..site.model import Conference, Figure, Link, Listing, Results, Site, approximately, merger_day, url_for

# The downloads' columns, in order, with what each holds (shown on the data page too).
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("url", "Địa chỉ bài viết về hội nghị", "{base_url}2024/bac-trung-bo-so-ket-6-thang-2024/"),
    ("date", "Ngày họp (YYYY-MM-DD)", "2024-07-05"),
    ("period", "Năm thi đua được tổng kết, sơ kết", "2024"),
    ("kind", "Loại hội nghị (khóa trong site_config.yaml)", "so-ket"),
    ("cluster", "Khóa của cụm thi đua trong site_config.yaml", "bac-trung-bo"),
    ("cluster_name", "Tên cụm thi đua", "Cụm thi đua Bắc Trung Bộ"),
    ("scope", "Phạm vi: cluster (toàn cụm) hoặc province (một tỉnh)", "province"),
    ("province", "Tên tỉnh, thành phố khi scope là province; để trống khi là cluster", "Thanh Hóa"),
    ("indicator", "Khóa của chỉ tiêu trong site_config.yaml", "cooperatives"),
    ("indicator_label", "Tên chỉ tiêu", "Hợp tác xã"),
    ("value", "Số liệu: số nguyên, không dấu phân cách, tính theo đơn vị ở cột unit", "1331"),
    ("unit", "Đơn vị (tiền tính bằng đồng: 226 tỷ đồng là 226000000000)", "HTX"),
    ("approximate", "true khi nguồn ghi số gần đúng (\"gần 5.500\"), false khi ghi đúng con số", "false"),
)
CSV_FILE = "ket-qua.csv"
JSON_FILE = "ket-qua.json"
JUMP = 10  # a figure this many times larger or smaller than the period before is worth a second look
_MONEY_FLOOR = 1_000_000  # a sum of money below this many đồng was most likely typed in tỷ or triệu
# Kinds (keys of site_config.yaml's kinds) whose figures are counted mid-year, not at the year's end:
# a table or chart that shows one for its period says so.
MID_YEAR_KINDS = frozenset({"so-ket"})


@dataclass(frozen=True)
class Column:
    """One column of a results table: a period or a cluster, and its page."""

    label: str
    url: str  # "" when the column has no page of its own


@dataclass(frozen=True)
class Cell:
    """One figure in a table and the conference that reported it."""

    figure: Figure
    source: Conference
    mid_year: bool = False  # reported at a mid-year review (sơ kết 6 tháng): the period has no year-end figure

    @property
    def text(self) -> str:
        return self.figure.text


@dataclass(frozen=True)
class Row:
    """One indicator across the columns of a table; None marks a gap (nothing reported)."""

    indicator: Indicator
    cells: tuple[Cell | None, ...]
    chart: str = ""  # inline SVG over the years, for tables by period

    @property
    def mid_year(self) -> bool:
        return any(cell.mid_year for cell in self.cells if cell)


@dataclass(frozen=True)
class Table:
    """Indicators (rows) by period or by cluster (columns)."""

    columns: tuple[Column, ...]
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class BreakdownRow:
    province: Link
    figures: tuple[Figure | None, ...]  # one per indicator of the breakdown


@dataclass(frozen=True)
class Breakdown:
    """An article's per-province figures: provinces (rows) by indicator (columns), with the cluster's totals."""

    indicators: tuple[Indicator, ...]
    rows: tuple[BreakdownRow, ...]
    totals: tuple[Figure | None, ...]


@dataclass(frozen=True)
class Tables:
    """Every results table of the site, computed once for the pages that show them."""

    clusters: Mapping[str, Table]  # cluster key -> indicators by period
    years: Mapping[str, Table]  # year -> indicators by cluster, for that period
    provinces: Mapping[str, Table]  # province name -> indicators by period
    breakdowns: Mapping[str, Breakdown]  # article url -> its per-province figures
    rows: int  # figures in the downloads


# --- Which figure stands for a period -------------------------------------------------------------

def _latest_by_period(reports: Iterable[tuple[Conference, Figure]]) -> dict[tuple[int, str], Cell]:
    """(period, indicator key) -> the figure of the latest conference of that period that reported it.
    A year-end review thus overrides the mid-year review of the same period. reports: newest
    conference first, as the site lists them (by date, then address)."""
    chosen: dict[tuple[int, str], Cell] = {}
    for conference, figure in reports:
        key = (conference.period, figure.indicator.key)
        if key not in chosen:  # the first met is the latest
            chosen[key] = Cell(figure, conference, conference.kind_key in MID_YEAR_KINDS)
    return chosen


def _history(config: SiteConfig, cells: dict[tuple[int, str], Cell], subject: str,
             merged: dt.date | None = None) -> Table | None:
    """Indicators by every period from the first reported to the last, with charts (marking the
    day merged, when the subject's territory changed)."""
    if not cells:
        return None
    periods = sorted({period for period, _ in cells})
    years = list(range(periods[0], periods[-1] + 1))
    columns = tuple(Column(str(year), "") for year in years)
    rows = []
    for key, indicator in config.indicators.items():
        row = tuple(cells.get((year, key)) for year in years)
        if any(row):
            rows.append(Row(indicator, row, bar_chart(indicator, columns, row, subject, merged)))
    return Table(columns, tuple(rows))


def cluster_history(site: Site, cluster_key: str, conferences: list[Conference]) -> Table | None:
    """conferences: the cluster's, newest first."""
    reports = [(c, f) for c in conferences for f in c.results.figures]
    return _history(site.config, _latest_by_period(reports), site.config.clusters[cluster_key])


def province_history(site: Site, province: str, conferences: list[Conference]) -> Table | None:
    """conferences: those that report figures for the province, newest first."""
    reports = [(c, f) for c in conferences for row in c.results.by_province
               if row.province.name == province for f in row.figures]
    return _history(site.config, _latest_by_period(reports), province, merger_day(site.config, province))


def year_comparison(site: Site, period: int, by_cluster: dict[str, list[Conference]]) -> Table | None:
    """The clusters side by side on the indicators any of them reported for the period;
    by_cluster: each cluster's conferences of that period, newest first."""
    config = site.config
    per_cluster = {}
    for key in config.clusters:
        reports = [(c, f) for c in by_cluster.get(key, ()) for f in c.results.figures]
        if reports:
            per_cluster[key] = _latest_by_period(reports)
    if not per_cluster:
        return None
    columns = tuple(Column(config.clusters[key], url_for(config, "cluster", cluster=key)) for key in per_cluster)
    rows = []
    for indicator_key, indicator in config.indicators.items():
        row = tuple(cells.get((period, indicator_key)) for cells in per_cluster.values())
        if any(row):
            rows.append(Row(indicator, row))
    return Table(columns, tuple(rows))


def breakdown(conference: Conference) -> Breakdown | None:
    results = conference.results
    if not results.by_province:
        return None
    indicators: dict[str, Indicator] = {}
    for row in results.by_province:
        for figure in row.figures:
            indicators.setdefault(figure.indicator.key, figure.indicator)
    keys = list(indicators)
    rows = []
    for row in results.by_province:
        by_key = {figure.indicator.key: figure for figure in row.figures}
        rows.append(BreakdownRow(row.province, tuple(by_key.get(key) for key in keys)))
    totals = {figure.indicator.key: figure for figure in results.figures}
    return Breakdown(tuple(indicators.values()), tuple(rows), tuple(totals.get(key) for key in keys))


_ByKey = dict[str, list[Conference]]


def _grouped(conferences: tuple[Conference, ...]) -> tuple[_ByKey, dict[int, _ByKey], _ByKey, int]:
    """The conferences grouped once (newest first, as given), not scanned per table: by cluster, by
    period and cluster, by province reported, and how many figures they report."""
    by_cluster: dict[str, list[Conference]] = {}
    by_period: dict[int, dict[str, list[Conference]]] = {}
    by_province: dict[str, list[Conference]] = {}
    figures = 0
    for conference in conferences:
        by_cluster.setdefault(conference.cluster_key, []).append(conference)
        by_period.setdefault(conference.period, {}).setdefault(conference.cluster_key, []).append(conference)
        figures += len(conference.results.figures)
        for row in conference.results.by_province:
            figures += len(row.figures)
            places = by_province.setdefault(row.province.name, [])
            if not places or places[-1] is not conference:
                places.append(conference)
    return by_cluster, by_period, by_province, figures


def tabulate(site: Site) -> Tables:
    """Every results table."""
    by_cluster, by_period, by_province, figures = _grouped(site.conferences)
    clusters = {c.key: t for c in site.clusters if (t := cluster_history(site, c.key, by_cluster.get(c.key, [])))}
    years = {y.key: t for y in site.years if (t := year_comparison(site, int(y.key), by_period.get(int(y.key), {})))}
    provinces = {p.name: t for p in site.provinces
                 if (t := province_history(site, p.name, by_province.get(p.name, [])))}
    breakdowns = {c.url: b for c in site.conferences if (b := breakdown(c))}
    return Tables(clusters, years, provinces, breakdowns, figures)


# --- Charts ---------------------------------------------------------------------------------------

_SLOT, _BAR = 64, 40  # px of width per period, and of its bar
_TOP, _BASELINE, _HEIGHT = 26, 150, 176


def short_value(value: int, unit: str, approximate: bool = False) -> str:
    """The number as a bar's label: "4.425", "226 tỷ", "gần 5.500" (the unit is in the chart's title)."""
    text = format_quantity(value, unit)
    return approximately(text[: -len(unit)].strip() if unit and text.endswith(unit) else format_number(value),
                         approximate)


MID_YEAR_NOTE = "sơ kết 6 tháng"  # how a chart names a mid-year figure


def _break_at(cells: tuple[Cell | None, ...], merged: dt.date | None) -> int:
    """The first column reported on or after the day merged, when a column before it was reported
    earlier: the bars either side measure different territories. 0 when there is no such break."""
    if merged is None:
        return 0
    before = False
    for index, cell in enumerate(cells):
        if cell is not None:
            if cell.source.date >= merged:
                return index if before else 0
            before = True
    return 0


def bar_chart(indicator: Indicator, columns: tuple[Column, ...], cells: tuple[Cell | None, ...], subject: str,
              merged: dt.date | None = None) -> str:
    """An accessible SVG bar chart of one indicator over the periods; a period with no figure has no bar.
    When the subject's territory changed on the day merged, the bars after it stand apart, past a
    gap and a marked line, so that no growth reads across the merger."""
    ident = "bieu-do-" + slugify(indicator.key)
    slot = max(_SLOT, 192 / len(columns))  # a lone year still gets a chart of a readable width
    split = _break_at(cells, merged)
    gap = slot / 2 if split else 0
    width = 16 + slot * len(columns) + gap
    peak = max((cell.figure.value for cell in cells if cell), default=0)
    title = f"{indicator.label} qua các năm ({indicator.unit}), {subject}"
    described = "; ".join(f"{column.label}: {_told(cell) if cell else 'không có số liệu'}"
                          for column, cell in zip(columns, cells))
    if split and merged is not None:
        described += (f". Từ {columns[split].label}, số liệu sau sáp nhập ngày {merged:%d/%m/%Y}: "
                      "địa bàn khác trước, không so sánh được với các năm trước")
    esc = html.escape
    parts = [
        f'<svg class="chart" role="img" aria-labelledby="{ident}-title {ident}-desc" '
        f'viewBox="0 0 {width:g} {_HEIGHT}" width="{width:g}" height="{_HEIGHT}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{ident}-title">{esc(title)}</title>',
        f'<desc id="{ident}-desc">{esc(described)}</desc>',
        f'<line class="axis" x1="8" y1="{_BASELINE}" x2="{width - 8:g}" y2="{_BASELINE}" '
        'stroke="#4a5561" stroke-width="1"/>',
    ]
    if split:
        line = 8 + slot * split + gap / 2
        parts.append(f'<line class="merger-break" x1="{line:g}" y1="{_TOP - 10}" x2="{line:g}" y2="{_BASELINE}" '
                     'stroke="#4a5561" stroke-width="1.5" stroke-dasharray="4 3"/>')
        parts.append(f'<text class="merger-label" x="{line:g}" y="11" text-anchor="middle" font-size="11" '
                     f'fill="#4a5561" aria-hidden="true">Sáp nhập</text>')
    for index, (column, cell) in enumerate(zip(columns, cells)):
        after = bool(split) and index >= split
        middle = 8 + slot * index + slot / 2 + (gap if after else 0)
        parts.append(f'<text class="period" x="{middle:g}" y="{_HEIGHT - 6}" text-anchor="middle" '
                     f'font-size="12" fill="#4a5561">{esc(column.label)}</text>')
        if cell is None:
            parts.append(f'<text class="gap" x="{middle:g}" y="{_BASELINE - 6}" text-anchor="middle" '
                         f'font-size="12" fill="#4a5561" aria-hidden="true">–</text>')
            continue
        value = cell.figure.value
        height = round((_BASELINE - _TOP) * value / peak, 2) if peak else 0
        top = round(_BASELINE - height, 2)
        # After a merger, a bar in the muted colour; a mid-year figure is a pale bar with a dashed
        # outline (the chart's note says so).
        colour = "#4a5561" if after else "#0b5c8a"
        classes = "bar" + (" after-merger" if after else "") + (" mid-year" if cell.mid_year else "")
        look = f' fill="{colour}"'
        if cell.mid_year:
            look += f' fill-opacity="0.35" stroke="{colour}" stroke-dasharray="4 3"'
        if cell.figure.approximate:
            look += ' data-approximate="true"'
        parts.append(
            f'<rect class="{classes}" x="{middle - _BAR / 2:g}" y="{top:g}" width="{_BAR}" height="{height:g}"{look} '
            f'data-period="{esc(column.label)}" data-value="{value}">'
            f'<title>{esc(column.label)}: {esc(_told(cell))}</title></rect>')
        parts.append(f'<text class="value" x="{middle:g}" y="{top - 5:g}" text-anchor="middle" font-size="12" '
                     f'fill="#1d232a">{esc(short_value(value, indicator.unit, cell.figure.approximate))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _told(cell: Cell) -> str:
    """A cell as a chart reads it out: "4.425 HTX (sơ kết 6 tháng)"."""
    return f"{cell.text} ({MID_YEAR_NOTE})" if cell.mid_year else cell.text


# --- Downloads ------------------------------------------------------------------------------------

def download_rows(site: Site) -> list[dict[str, str | int]]:
    """One row per reported figure, oldest conference first, the cluster's figures before the provinces'."""
    config = site.config
    rows: list[dict[str, str | int]] = []
    for conference in sorted(site.conferences, key=lambda c: (c.date, c.url)):
        common: dict[str, str | int] = {"url": config.base_url + conference.url, "date": conference.date.isoformat(),
                  "period": conference.period, "kind": conference.kind_key,
                  "cluster": conference.cluster_key, "cluster_name": conference.cluster.name}
        scoped = [("cluster", "", f) for f in conference.results.figures]
        scoped += [("province", row.province.name, f) for row in conference.results.by_province for f in row.figures]
        for scope, province, figure in scoped:
            rows.append({**common, "scope": scope, "province": province, "indicator": figure.indicator.key,
                         "indicator_label": figure.indicator.label, "value": figure.value,
                         "unit": figure.indicator.unit, "approximate": figure.approximate})
    return rows


class DownloadInputs(NamedTuple):
    """Everything of the site the downloads are made from (equal inputs, equal files)."""

    config: SiteConfig
    conferences: tuple[tuple[str, dt.date, int, str, Link, Results], ...]  # url, date, period, kind, cluster, results


def download_inputs(site: Site) -> DownloadInputs:
    """Everything of the site the downloads are made from (equal inputs, equal files)."""
    return DownloadInputs(site.config, tuple((c.url, c.date, c.period, c.kind_key, c.cluster, c.results)
                                             for c in site.conferences))


def downloads(site: Site) -> dict[str, bytes]:
    """ket-qua.csv (UTF-8 with a BOM, so spreadsheet programs read the Vietnamese right) and ket-qua.json."""
    folder = site.config.urls["data"]
    rows = download_rows(site)
    return {folder + CSV_FILE: _csv_file(rows), folder + JSON_FILE: _json_file(rows)}


def _csv_file(rows: list[dict[str, str | int]]) -> bytes:
    """The rows as CSV, written as UTF-8 bytes as they go (not the whole text as one string, then
    that string with a BOM, then its bytes: three copies of a 22 MB file at 10.000 articles)."""
    data = io.BytesIO()
    text = io.TextIOWrapper(data, encoding="utf-8-sig", newline="")
    writer = csv.DictWriter(text, fieldnames=[name for name, _, _ in COLUMNS], lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({**row, "approximate": str(row["approximate"]).lower()} for row in rows)
    text.flush()
    return data.getvalue()


def _json_file(rows: list[dict[str, str | int]]) -> bytes:
    """The rows as a JSON list, one row a line (a reader's diff of two versions shows the rows that
    changed), as UTF-8 bytes. (Indented a key a line, as before, json's encoder is its pure
    Python one: at 10.000 articles 41,7 MB in 1,0-1,3 s, against 39,0 MB in 0,5 s.)"""
    if not rows:
        return b"[]\n"
    return b"[\n" + b",\n".join(_JSON_ROW(row).encode("utf-8") for row in rows) + b"\n]\n"


_JSON_ROW = json.JSONEncoder(ensure_ascii=False).encode  # (one encoder for every row: json.dumps makes one a call)


# --- Checks for editors ---------------------------------------------------------------------------

def check(site: Site) -> list[Problem]:
    """Warnings, never errors: figures that are probably slips, for an editor to look at."""
    return [*_unit_clashes(site.config), *_money_typed_scaled(site), *_provinces_over_total(site), *_jumps(site)]


def _unit_clashes(config: SiteConfig) -> list[Problem]:
    """Two indicators with one label but different units would put unlike figures under one name."""
    problems = []
    first: dict[str, Indicator] = {}
    for indicator in config.indicators.values():
        earlier = first.setdefault(indicator.label.casefold(), indicator)
        if earlier is not indicator and earlier.unit != indicator.unit:
            problems.append(Problem(config.path, 0, f"indicators.{indicator.key}",
                                    say("config.same_label", label=repr(indicator.label), other=earlier.key,
                                        other_unit=repr(earlier.unit), unit=repr(indicator.unit)),
                                    warning=True, suggestion=say("config.same_label.fix")))
    return problems


def _figures_of(conference: Conference) -> Iterable[tuple[str, Figure]]:
    for figure in conference.results.figures:
        yield f"results.figures.{figure.indicator.key}", figure
    for row in conference.results.by_province:
        for figure in row.figures:
            yield f"results.by_province.{row.province.name}.{figure.indicator.key}", figure


def _money_typed_scaled(site: Site) -> list[Problem]:
    """A sum in đồng under a million was most likely typed in tỷ or triệu đồng."""
    return [problem for conference in site.conferences for problem in _money_in(conference)]


def _money_in(conference: Conference) -> list[Problem]:
    return [
        Problem(conference.path, figure.line, field,
                say("figure.tiny_money", value=format_number(figure.value), label=repr(figure.indicator.label)),
                warning=True, suggestion=say("figure.tiny_money.fix", value=format_number(figure.value),
                                             written=figure.value * 10**9))
        for field, figure in _figures_of(conference)
        if figure.indicator.unit == "đồng" and 0 < figure.value < _MONEY_FLOOR
    ]


def _provinces_over_total(site: Site) -> list[Problem]:
    return [problem for conference in site.conferences for problem in _over_total_in(conference)]


def _over_total_in(conference: Conference) -> list[Problem]:
    problems = []
    totals = {figure.indicator.key: figure for figure in conference.results.figures}
    sums: dict[str, int] = {}
    for row in conference.results.by_province:
        for figure in row.figures:
            sums[figure.indicator.key] = sums.get(figure.indicator.key, 0) + figure.value
    for key, added in sums.items():
        total = totals.get(key)
        if total is not None and added > total.value:
            unit = total.indicator.unit
            problems.append(Problem(conference.path, total.line, f"results.figures.{key}",
                                    say("figure.provinces_over", added=format_quantity(added, unit), total=total.text),
                                    warning=True))
    return problems


def _jumps(site: Site) -> list[Problem]:
    """An indicator more than ten times larger or smaller than in the cluster's previous reported period."""
    return [problem for cluster in site.clusters for problem in _jumps_in(site.config, cluster)]


def _jumps_in(config: SiteConfig, cluster: Listing) -> list[Problem]:
    problems = []
    cells = _latest_by_period((c, f) for c in cluster.conferences for f in c.results.figures)
    for key in config.indicators:
        series = sorted(((period, cell) for (period, k), cell in cells.items() if k == key), key=lambda item: item[0])
        for (before_period, before), (period, now) in zip(series, series[1:]):
            old, new = before.figure.value, now.figure.value
            if old and new and max(old, new) > JUMP * min(old, new):
                jump = say("figure.jump_up" if new > old else "figure.jump_down", now=now.text, period=period,
                           before=before.text, before_period=before_period, path=before.source.path)
                problems.append(Problem(now.source.path, now.figure.line, f"results.figures.{key}", jump,
                                        warning=True, suggestion=say("figure.jump.fix")))
    return problems
