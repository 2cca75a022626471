"""Draw attention shares: stacked bars per document, or lines over years.

Needs the ``plot`` extra (matplotlib) and a font with Chinese characters,
found among the fonts matplotlib knows or given as a file. Only matplotlib's
object API is used, so plotting changes no global matplotlib state.
"""

from pathlib import Path

from .errors import PolicytextError, extra_needed

__all__ = ["check_font", "find_cjk_font", "plot_shares"]

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
        raise PolicytextError(extra_needed("--plot", "plot")) from None
    if font is not None:
        if not Path(font).is_file():
            raise PolicytextError(f"--font {font}: no such font file")
        if not _covers(font):
            raise PolicytextError(f"--font {font}: the font has no Chinese characters (it cannot draw {_PROBE}); choose one that does")
        return str(font)
    found = find_cjk_font()
    if found is None:
        raise PolicytextError(
            "no font with Chinese characters found for the plot; install one "
            "(for example 'apt install fonts-noto-cjk') or pass a font file with --font"
        )
    return found


def plot_shares(summary, path, font=None):
    """Draw a :class:`~policytext.summary.Summary` to a PNG.

    Documents of one year are drawn as stacked bars (share of sentences per
    label); documents spanning several years as one line per label, the
    mean share over the documents of each year.

    Raises
    ------
    PolicytextError
        matplotlib is missing, or no font with Chinese characters is found.
    """
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
    years = sorted({r["year"] for r in rows if r.get("year")})

    fig = Figure(figsize=(10, max(4, 0.35 * len(rows) + 2)) if len(years) < 2 else (10, 5))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    if len(years) >= 2:
        for label, name in zip(labels, names):
            means = []
            for year in years:
                shares = [r[f"share_{label}"] for r in rows if r.get("year") == year]
                means.append(sum(shares) / len(shares))
            ax.plot(years, means, marker="o", label=name)
        ax.set_xlabel("年份", fontproperties=prop)
        ax.set_ylabel("句子占比（文件平均）", fontproperties=prop)
        ax.set_xticks(years)
        ax.set_title("各领域关注度的年度变化", fontproperties=prop)
    else:
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
    fig.savefig(path, dpi=120)
    return path
