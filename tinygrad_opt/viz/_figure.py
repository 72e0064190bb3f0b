"""Shared plotting helpers: one place that creates figures and saves them.

matplotlib is imported inside the functions, so importing ``tinygrad_opt.viz`` costs
nothing and works on machines without a display.
"""
import importlib.util
import io
import pathlib

DPI = 100
"""Resolution of saved figures: small PNGs that still read well on a projector."""

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#bcbd22", "#17becf", "#000000", "#7f7f7f")
"""Line colours: matplotlib's tab10 with its grey moved last (grey vanishes on contours)."""


def new_figure(width, height, **subplots_options):
    """``(figure, axes)`` from ``pyplot.subplots`` with a constrained layout."""
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(width, height), layout="constrained", **subplots_options)


def new_blank_figure(width, height):
    """A figure without axes (for mixed 2-D and 3-D panels), constrained layout."""
    import matplotlib.pyplot as plt

    return plt.figure(figsize=(width, height), layout="constrained")


def _release_in_jupyter(figure):
    """Under Jupyter's inline backend, hand ``figure`` over to the caller alone.

    The inline backend draws every figure pyplot still holds at the end of a cell, and the
    returned Figure, as the cell's value, is drawn as well: each picture appeared twice.
    Closing it in pyplot leaves one picture, the cell's value (``display(fig)`` shows an
    assigned one). Other backends keep it open, so ``plt.show()`` works in scripts.
    """
    import matplotlib

    if "inline" in matplotlib.get_backend():
        import matplotlib.pyplot as plt

        plt.close(figure)


def finish(figure, path=None, dpi=DPI):
    """Save ``figure`` to ``path`` (parent folders created) when one is given; return it.

    A PNG is written as a 256-colour palette image when Pillow is installed: Pillow's octree
    quantizer keeps every line colour and makes plot PNGs 3-5 times smaller (the committed
    figures stay under ~150 KB). Other formats, or no Pillow, use ``savefig`` directly.
    """
    _release_in_jupyter(figure)
    if path is None:
        return figure
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() != ".png" or importlib.util.find_spec("PIL") is None:
        figure.savefig(path, dpi=dpi)
        return figure
    from PIL import Image

    buffer = io.BytesIO()
    figure.savefig(buffer, dpi=dpi, format="png")
    buffer.seek(0)
    image = Image.open(buffer).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.FASTOCTREE,
                   dither=Image.Dither.NONE).save(path, optimize=True)
    return figure


def log_levels(values, count=20):
    """Contour levels for f over a grid: log-spaced in f - min f when f spans decades.

    Linear levels would all crowd onto the steep walls (Beale spans 0..2e5 over its
    domain, with its minimum in a valley of height < 1), so when f - min f spans more than
    two decades between its 0.5th percentile and its maximum the levels are
    ``min f + geomspace(p0.5 / 2, max f - min f)``; otherwise (saddle, Rastrigin) linear.
    """
    import numpy as np

    shifted = np.asarray(values, float) - np.nanmin(values)
    span = max(float(np.nanmax(shifted)), 1e-12)
    floor = max(float(np.nanpercentile(shifted, 0.5)) / 2, span * 1e-9)
    if span / floor < 200:
        return np.nanmin(values) + np.linspace(0, span, count + 1)[1:]
    return np.nanmin(values) + np.geomspace(floor, span, count)
