"""The report's two charts as PNG pictures (matplotlib, DejaVu Sans).

As in the seed report: the total and the rank over the years, and each component
this year next to the previous year. The pictures are made with matplotlib's Agg
backend and DejaVu Sans, the font matplotlib ships (it carries every Vietnamese
diacritic); the PNG carries no date or software stamp, so the same figures give the
same bytes. Component names are shortened (:func:`short_name`) for the axis.
"""

from __future__ import annotations

import io
import re
import textwrap
from typing import Any

import matplotlib as mpl

mpl.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import polars as pl  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

FONT = "DejaVu Sans"
DPI = 150
CURRENT_COLOUR = "#2F5597"
PREVIOUS_COLOUR = "#A5A5A5"
RANK_COLOUR = "#C55A11"
SHORT_WIDTH = 11  # characters per line of a component's name under its bars
# Long phrases of component names and their usual abbreviations (as offices write
# them in charts), applied in order, case-insensitively.
ABBREVIATIONS = (
    (r"^công tác\s+", ""),
    (r"^xây dựng và phát triển\s+", ""),
    (r"\bcải cách hành chính\b", "CCHC"),
    (r"\bthủ tục hành chính\b", "TTHC"),
    (r"\bchính quyền điện tử\b", "CQĐT"),
    (r"\bchính quyền số\b", "CQ số"),
    (r"\bchính phủ điện tử\b", "CPĐT"),
    (r"\bchính phủ số\b", "CP số"),
    (r"\bkinh tế\s*-\s*xã hội\b", "KT-XH"),
    (r"\bnhà nước\b", "NN"),
    (r"\bhành chính\b", "HC"),
)


def short_name(name: str) -> str:
    """A component's name short enough for a chart axis: ``Cải cách TTHC``,
    ``CQĐT, CQ số``, ``Tác động của CCHC``."""
    text = " ".join(name.split())
    for pattern, replacement in ABBREVIATIONS:
        text = re.sub(pattern, replacement, text, flags=re.IGNORECASE)
    text = re.sub(r"\s+", " ", text).strip(" ,")
    return text[:1].upper() + text[1:]


def _figure(width: float, height: float) -> Figure:
    plt.rcParams["font.family"] = FONT
    plt.rcParams["svg.hashsalt"] = "parindex"
    figure = plt.figure(figsize=(width, height), dpi=DPI)
    return figure


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    plt.close(figure)
    return buffer.getvalue()


def _vn(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def _labels(values: list[float | None]) -> list[str]:
    """Bar labels: none over a bar with no figure (nothing scored)."""
    return [_vn(float(v)) if v is not None else "" for v in values]


def years_chart(years: pl.DataFrame, maximum: float) -> bytes:
    """Columns of the total per year (published where published) with the rank as
    a line on the right axis, 1 at the top.

    Args:
        years: ``analysis.years_table``: ``year``, ``total``, ``rank``, ``units``.
        maximum: the highest possible total (the left axis' top).
    """
    figure = _figure(7.0, 3.6)
    axis = figure.add_subplot()
    labels = [str(y) for y in years["year"].to_list()]
    raw_totals = years["total"].to_list()  # None: nothing scored, no label
    totals = [float(t) if t is not None else 0.0 for t in raw_totals]
    bars = axis.bar(labels, totals, color=CURRENT_COLOUR, width=0.5, label="Tổng điểm")
    axis.bar_label(bars, labels=_labels(raw_totals), padding=2, fontsize=9)
    axis.set_ylim(0, (maximum or max(totals, default=1.0)) * 1.1)
    axis.set_ylabel("Điểm")
    axis.spines[["top", "right"]].set_visible(False)
    ranks = years["rank"].to_list()
    handles: list[Any] = [bars]
    if any(r is not None for r in ranks):
        units = years["units"].max()
        right = axis.twinx()
        points = [(label, r) for label, r in zip(labels, ranks, strict=True) if r]
        (line,) = right.plot(
            [p[0] for p in points],
            [p[1] for p in points],
            color=RANK_COLOUR,
            marker="D",
            label="Xếp hạng",
        )
        for label, rank in points:
            right.annotate(
                f"Hạng {rank}",
                (label, rank),
                textcoords="offset points",
                xytext=(0, 8),
                ha="center",
                fontsize=9,
                color=RANK_COLOUR,
            )
        top = int(units) if isinstance(units, int) else max(p[1] for p in points)
        right.set_ylim(top + 0.5, 0.5)
        right.set_ylabel("Xếp hạng")
        right.spines[["top"]].set_visible(False)
        handles.append(line)
    axis.set_title("Tổng điểm và xếp hạng qua các năm", fontsize=11)
    axis.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2)
    figure.tight_layout()
    return _png(figure)


def components_chart(
    components: pl.DataFrame, year: int, previous_year: int | None
) -> bytes:
    """Each component's score this year next to the previous year's, names short.

    Args:
        components: ``Result.components``: ``name``, ``score``, ``previous``.
        year: this year.
        previous_year: the year compared with (its bars only when known).
    """
    figure = _figure(7.0, 3.9)
    axis = figure.add_subplot()
    names = [textwrap.fill(short_name(n), SHORT_WIDTH) for n in components["name"]]
    places = list(range(len(names)))
    raw_scores = components["score"].to_list()  # None: nothing scored, no label
    scores = [float(v or 0.0) for v in raw_scores]
    previous = components["previous"].to_list()
    compared = previous_year is not None and any(v is not None for v in previous)
    width = 0.38 if compared else 0.6
    if compared:
        before = [float(v or 0.0) for v in previous]
        old = axis.bar(
            [p - width / 2 for p in places],
            before,
            width,
            color=PREVIOUS_COLOUR,
            label=f"Năm {previous_year}",
        )
        axis.bar_label(old, labels=_labels(previous), fontsize=6.5, padding=1)
    shift = width / 2 if compared else 0.0
    now = axis.bar(
        [p + shift for p in places],
        scores,
        width,
        color=CURRENT_COLOUR,
        label=f"Năm {year}",
    )
    axis.bar_label(now, labels=_labels(raw_scores), fontsize=6.5, padding=1)
    axis.set_xticks(places, names, fontsize=7)
    axis.set_ylabel("Điểm")
    axis.spines[["top", "right"]].set_visible(False)
    axis.set_title("Điểm các chỉ số thành phần", fontsize=11)
    axis.legend(loc="upper left", fontsize=8, frameon=False)
    figure.tight_layout()
    return _png(figure)
