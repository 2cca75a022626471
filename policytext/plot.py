"""Draw attention shares: stacked bars per document, or lines over years.

Needs the ``plot`` extra (matplotlib) and a font with Chinese characters,
found among the fonts matplotlib knows or given as a file. Only matplotlib's
object API is used, so plotting changes no global matplotlib state.
"""

import collections
import os
import re
from pathlib import Path

from .errors import ParameterError, PolicytextError, extra_needed, mention
from .tables import replacing

__all__ = ["PLOT_BY", "PLOT_MARK", "check_font", "check_plot_path", "drawn_by_policytext", "find_cjk_font", "panels", "plot_reliability", "plot_shares", "thin_ticks", "year_table"]

# Families known to cover Chinese, tried before scanning every font.
_CJK_FAMILIES = (
    "Noto Sans CJK", "Noto Serif CJK", "Source Han", "WenQuanYi", "SimHei", "Microsoft YaHei",
    "PingFang", "Hiragino Sans GB", "Heiti", "Droid Sans Fallback", "AR PL", "Sarasa", "SimSun",
)
_PROBE = "经济民生治理"
CHINESE_NAMES = {
    "economy": "经济", "agriculture": "农业农村", "environment": "生态环境", "safety": "安全",
    "livelihood": "民生", "governance": "治理", "other": "其他",
}


def _covers(path):
    from matplotlib.ft2font import FT2Font

    try:
        charmap = FT2Font(str(path)).get_charmap()
    except (OSError, RuntimeError, ValueError):
        return False
    return all(ord(ch) in charmap for ch in _PROBE)


def find_cjk_font():
    """Path of an installed font that has Chinese characters, or ``None``."""
    from matplotlib import font_manager

    fonts = font_manager.fontManager.ttflist
    named = [f.fname for f in fonts if any(family in f.name for family in _CJK_FAMILIES)]
    # matplotlib's font list is cached, so a font installed since is only
    # found by looking at the system's font folders.
    on_disk = [p for p in font_manager.findSystemFonts() if p not in named]
    for path in named + on_disk:
        if _covers(path):
            return path
    return None


def check_font(font=None):
    """The font file the plot will use: ``font`` if it draws Chinese, else one found on the system.

    Called before any document is tagged, so a bad font costs nothing.

    Raises
    ------
    PolicytextError
        matplotlib is missing; ``font`` is not a file or has no Chinese
        characters; or no font on the system has them.
    """
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise PolicytextError(extra_needed(f"drawing a plot ({mention('plot')})", "plot"), mentions={"plot": None}) from None
    if font is not None:
        if Path(font).is_dir():
            raise PolicytextError("is a folder; give a font file (.ttf, .otf or .ttc) in it", parameter="font", value=font)
        if not Path(font).is_file():
            raise PolicytextError("no such font file", parameter="font", value=font)
        if not _covers(font):
            raise PolicytextError(f"the font has no Chinese characters (it cannot draw {_PROBE}); choose one that does", parameter="font", value=font)
        return str(font)
    found = find_cjk_font()
    if found is None:
        raise PolicytextError(
            "no font with Chinese characters found for the plot; install one "
            f"(for example 'apt install fonts-noto-cjk') or pass a font file with {mention('font')}",
            mentions={"font": None},
        )
    return found


def year_table(rows, labels, *, by=None):
    """Mean share per label, group and year, over every year of the span.

    Parameters
    ----------
    rows : list of dict
        Summary rows (``year``, ``share_<label>`` and the ``by`` field).
    labels : list of str
    by : {"level", "place"}, optional
        Draw one panel per value of this field.

    Returns
    -------
    years : list of int
        Every year from the first to the last, missing years included.
    table : dict
        ``{group: {label: [mean share, or None for a year without documents]}}``;
        the group is ``""`` without ``by``.

    >>> rows = [{"year": 2019, "share_a": 0.25}, {"year": 2019, "share_a": 0.75}, {"year": 2021, "share_a": 0.5}]
    >>> year_table(rows, ["a"])
    ([2019, 2020, 2021], {'': {'a': [0.5, None, 0.5]}})
    """
    dated = [r for r in rows if r.get("year")]
    years = list(range(min(r["year"] for r in dated), max(r["year"] for r in dated) + 1))
    groups = sorted({str(r.get(by) or "?") for r in dated}) if by else [""]
    table = {}
    for group in groups:
        mine = [r for r in dated if not by or str(r.get(by) or "?") == group]
        table[group] = {}
        for label in labels:
            series = []
            for year in years:
                shares = [r[f"share_{label}"] for r in mine if r["year"] == year]
                series.append(sum(shares) / len(shares) if shares else None)
            table[group][label] = series
    return years, table


def thin_ticks(years, *, most=12):
    """At most ``most`` evenly spaced years to label an axis, the first and last among them.

    >>> thin_ticks(list(range(1954, 2026)))
    [1954, 1961, 1968, 1975, 1982, 1989, 1996, 2003, 2010, 2017, 2025]
    """
    if len(years) <= most:
        return list(years)
    step = -(-len(years) // (most - 1))
    ticks = list(years[::step])
    if ticks[-1] != years[-1]:
        # The last year is labelled; a tick too close before it gives way.
        ticks = ticks[:-1] if years[-1] - ticks[-1] <= step / 2 else ticks
        ticks.append(years[-1])
    return ticks


PLOT_BY = ("level", "place")
_MOST_PANELS = 12

#: What every figure policytext draws says of itself, in its metadata: how
#: a later job knows the file for its own and may replace it (see
#: :func:`policytext.outputs.own_output`), without matplotlib.
PLOT_MARK = "drawn by policytext"
#: By format, the metadata entry that holds the mark, and what precedes the
#: mark in the file as matplotlib writes that entry: PNG's Software text
#: chunk, SVG's Dublin Core creator, PDF's Info dictionary, PostScript's
#: header comment. Other formats take no metadata, and their figures cannot
#: be told from the user's.
_MARK_ENTRIES = {
    ".png": ("Software", rb"tEXtSoftware\x00"),
    ".svg": ("Creator", rb"<dc:creator>\s*<cc:Agent>\s*<dc:title>"),
    ".pdf": ("Creator", rb"/Creator \("),
    ".eps": ("Creator", rb"\n%%Creator: "),
    ".ps": ("Creator", rb"\n%%Creator: "),
}
#: Bytes read from each end of a figure for its mark: a PNG and an SVG hold
#: it near the start, a PDF near the end (its Info dictionary).
_MARK_WINDOW = 1 << 16


def _marked(suffix):
    """The ``savefig`` metadata that marks a figure of this format as policytext's (None where it takes none)."""
    from ._version import __version__

    entry = _MARK_ENTRIES.get(suffix.lower() or ".png")
    return None if entry is None else {entry[0]: f"{PLOT_MARK} {__version__}"}


def drawn_by_policytext(path):
    """Whether the figure at ``path`` holds :data:`PLOT_MARK` in the metadata entry its format keeps it in.

    Read from its first and last bytes only (an image may be huge), with no
    need of matplotlib. The mark must stand where matplotlib writes the
    entry: the same words in a caption or a comment of a user's figure do
    not make it policytext's.
    """
    entry = _MARK_ENTRIES.get(os.path.splitext(path)[1].lower())
    if entry is None:
        return False
    with open(path, "rb") as f:
        head = f.read(_MARK_WINDOW)
        f.seek(max(f.seek(0, os.SEEK_END) - _MARK_WINDOW, len(head)))
        tail = f.read(_MARK_WINDOW)
    # In a file of at most twice the window the tail goes on where the head ends: a mark split there is whole in their join.
    return re.search(entry[1] + re.escape(PLOT_MARK.encode("ascii")), head + tail) is not None


#: Formats matplotlib names but cannot write without more than the ``plot`` extra (pgf needs LaTeX).
_UNWRITABLE = {"pgf"}


def check_plot_path(path, *, parameter="plot"):
    """Refuse a figure path whose extension names no format matplotlib writes, before any work.

    No extension is PNG. Needs matplotlib (check :func:`check_font` first,
    which names the extra).

    Raises
    ------
    ParameterError
        Naming the option ``parameter`` the path was given as (its
        :attr:`~policytext.errors.PolicytextError.parameter`), the path and
        the extensions allowed (``policytext`` exits 2).
    """
    from matplotlib.backend_bases import FigureCanvasBase

    suffix = Path(path).suffix.lower()
    allowed = sorted(set(FigureCanvasBase.get_supported_filetypes()) - _UNWRITABLE)
    if suffix and suffix[1:] not in allowed:
        raise ParameterError(
            f"cannot draw a figure as {suffix}; use .png, .svg or .pdf (or .{', .'.join(f for f in allowed if f not in ('png', 'svg', 'pdf'))})",
            parameter=parameter,
            value=path,
        )


def plot_shares(summary, path, *, font=None, by=None):
    """Draw a :class:`~policytext.summary.Summary` to a PNG.

    Documents of one year are drawn as stacked bars (share of sentences per
    label); documents spanning several years as one line per label, the
    mean share over the documents of each year, with gaps and grey bands
    for the years without documents and at most a dozen year labels. With
    ``by`` ("level" or "place") the lines are drawn in one panel per level
    or place: the twelve with most documents (:func:`panels` says which are
    left out, and a line under the figure names them).

    Raises
    ------
    PolicytextError
        matplotlib is missing, no font with Chinese characters is found, or
        ``by`` is not one of "level" and "place".
    """
    if by not in (None, *PLOT_BY):
        raise PolicytextError(f"plot_shares(): 'by' must be None or one of {PLOT_BY}, got {by!r}")
    font = check_font(font)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    prop = FontProperties(fname=str(font))
    rows = [summary.rows[d] for d in sorted(summary.rows)]
    if not rows:
        raise PolicytextError("nothing to plot: no document was tagged")
    labels = summary.labels
    names = [f"{label} {CHINESE_NAMES[label]}" if label in CHINESE_NAMES else label for label in labels]
    if len({r["year"] for r in rows if r.get("year")}) >= 2:
        fig = _year_lines(Figure, rows, labels, names, prop, by and _field(by))
    else:
        fig = _bars(Figure, rows, labels, names, prop)
    FigureCanvasAgg(fig)
    # Beside the output, renamed into place when complete; the suffix tells
    # matplotlib the format.
    with replacing(path, suffix=Path(path).suffix or ".png") as tmp:
        fig.savefig(tmp, dpi=120, metadata=_marked(Path(path).suffix))
    return path


def panels(summary, by):
    """The groups a plot by ``by`` ("level" or "place") draws a panel for, and those it leaves out.

    A figure of more than a dozen panels cannot be read, so the twelve
    groups with most dated documents are drawn (ties by name); a place is
    its full name (``place_full``), as the panel pools. Returns two lists of
    group names, ``(drawn, left_out)``; both empty when the documents span
    fewer than two years (the plot is then bars per document, no panels).

    >>> from policytext.summary import Summary
    >>> summary = Summary(["economy", "other"])
    >>> for k, year in enumerate([2024, 2025]):
    ...     summary.rows[f"r{k}"] = {"year": year, "level": "county", "share_economy": 0.5, "share_other": 0.5}
    >>> panels(summary, "level")
    (['county'], [])
    """
    if by not in PLOT_BY:
        raise PolicytextError(f"panels(): 'by' must be one of {PLOT_BY}, got {by!r}")
    rows = [row for row in summary.rows.values() if row.get("year")]
    if len({row["year"] for row in rows}) < 2:
        return [], []
    drawn, left_out, _ = _ranked_groups(rows, _field(by))
    return drawn, left_out


def _field(by):
    # By place is by full place, as the panel pools: 南京市鼓楼区 and 福州市鼓楼区 are two.
    return "place_full" if by == "place" else by


def _ranked_groups(rows, by):
    """The groups of dated ``rows`` by ``by``, most documents first: (the first dozen, the rest, the documents of each)."""
    counts = collections.Counter((str(row.get(by) or "?") if by else "") for row in rows if row.get("year"))
    ranked = sorted(counts, key=lambda g: (-counts[g], g))
    return ranked[:_MOST_PANELS], ranked[_MOST_PANELS:], counts


def _year_lines(Figure, rows, labels, names, prop, by):
    years, table = year_table(rows, labels, by=by)
    groups, left_out, counts = _ranked_groups(rows, by)
    fig = Figure(figsize=(10, 3.2 * len(groups) + 1.2 + (0.3 if left_out else 0)))
    missing = [y for i, y in enumerate(years) if all(table[g][labels[0]][i] is None for g in groups)]
    for k, group in enumerate(groups):
        ax = fig.add_subplot(len(groups), 1, k + 1)
        for label, name in zip(labels, names):
            series = [float("nan") if v is None else v for v in table[group][label]]
            ax.plot(years, series, marker="o", markersize=3, label=name)
        for year in missing:
            ax.axvspan(year - 0.5, year + 0.5, color="0.92", zorder=0)
        # The whole span in every panel: a panel with one year's documents was
        # scaled to that point, and its ticks drawn on top of each other.
        ax.set_xlim(years[0] - 0.5, years[-1] + 0.5)
        ax.set_xticks(thin_ticks(years))
        ax.set_ylabel("句子占比", fontproperties=prop)
        if by:
            ax.set_title(f"{group}（{counts[group]} 份）", fontproperties=prop, loc="left")
        if k == 0:
            ax.legend(prop=prop, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_xlabel("年份（灰色：无报告的年份）" if missing else "年份", fontproperties=prop)
    fig.suptitle("各领域关注度的年度变化（文件平均）", fontproperties=prop)
    if left_out:
        # Said on the figure too: a reader of the image never sees the job's warning.
        shown = "、".join(left_out[:8]) + ("等" if len(left_out) > 8 else "")
        fig.text(0.01, 0.005, f"另有 {len(left_out)} 组文件较少，未画出：{shown}", fontproperties=prop, fontsize=8)
        fig.tight_layout(rect=(0, 0.02, 1, 1))
    else:
        fig.tight_layout()
    return fig


def _bars(Figure, rows, labels, names, prop):
    fig = Figure(figsize=(10, max(4, 0.35 * len(rows) + 2)))
    ax = fig.add_subplot()
    ticks = [r.get("place") or Path(r["file"]).stem for r in rows]
    left = [0.0] * len(rows)
    for label, name in zip(labels, names):
        widths = [r[f"share_{label}"] for r in rows]
        ax.barh(range(len(rows)), widths, left=left, label=name)
        left = [a + b for a, b in zip(left, widths)]
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(ticks, fontproperties=prop)
    ax.invert_yaxis()
    ax.set_xlabel("句子占比", fontproperties=prop)
    ax.set_xlim(0, 1)
    ax.set_title("各文件的领域关注度", fontproperties=prop)
    ax.legend(prop=prop, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    return fig


def plot_reliability(curves, path):
    """Draw reliability curves to a PNG: accuracy against mean score per bin, one curve per set.

    ``curves`` maps a name to :func:`policytext.metrics.calibration`'s
    result; the legend gives each set's ECE. Needs the ``plot`` extra (no
    Chinese font: the names are the caller's).
    """
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise PolicytextError(extra_needed("plot_reliability()", "plot")) from None
    fig = Figure(figsize=(5, 5))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", linewidth=1, label="calibrated")
    for name, result in curves.items():
        scores = [b[3] for b in result["bins"]]
        accuracy = [b[4] for b in result["bins"]]
        ax.plot(scores, accuracy, marker="o", label=f"{name} (ECE {result['ece']:.3f})")
    ax.set_xlabel("mean score in bin")
    ax.set_ylabel("accuracy in bin")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    with replacing(path, suffix=Path(path).suffix or ".png") as tmp:
        fig.savefig(tmp, dpi=100)
    return path
