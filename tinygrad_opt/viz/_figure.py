"""Shared plotting helpers: one place that creates figures and saves them.

matplotlib is imported inside the functions, so importing ``tinygrad_opt.viz`` costs
nothing and works on machines without a display.
"""
import pathlib

DPI = 100
"""Resolution of saved figures: small PNGs that still read well on a projector."""


def new_figure(width, height, **subplots_options):
    """``(figure, axes)`` from ``pyplot.subplots`` with a constrained layout."""
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(width, height), layout="constrained", **subplots_options)


def finish(figure, path=None, dpi=DPI):
    """Save ``figure`` to ``path`` (parent folders created) when one is given; return it."""
    if path is not None:
        path = pathlib.Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(path, dpi=dpi)
    return figure


def log_levels(values, count=20):
    """Contour levels spaced evenly in log(f - min f), so valleys and plateaus both show.

    A plain linear spacing puts every level on the steep walls (Rosenbrock spans 0..2500);
    levels ``min f + geomspace(1e-3 · range, range)`` also work for functions with negative
    values such as the saddle x² - y².
    """
    import numpy as np

    low, high = float(np.nanmin(values)), float(np.nanmax(values))
    span = max(high - low, 1e-12)
    return low + np.geomspace(span * 1e-3, span, count)
