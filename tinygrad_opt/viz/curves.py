"""Training curves: loss and metrics per epoch (train against validation), and the LR finder.

Training loss below a rising validation loss is overfitting; a loss that jumps up or turns
NaN is a learning rate that is too large; a flat loss is one that is too small.
"""
import numpy as np

from ._figure import PALETTE, finish, new_figure


def _records(history):
    """The per-epoch dict of a ``train.History`` or a plain dict."""
    return history.history if hasattr(history, "history") else dict(history)


def _step_series(history, epochs):
    """``(x, losses, lrs)`` of a History's per-step records on the epoch axis: step i
    (0-based) of T steps in E epochs ends at x = (i + 1) E / T, also once the series are
    thinned to every s-th step. Empty for a plain dict."""
    losses = list(getattr(history, "step_losses", []))
    if not losses or not epochs:
        return np.zeros(0), [], []
    steps = np.asarray(history.step_indices, dtype=float)
    total = max(history.steps_thinned, len(losses))
    return (steps + 1) * epochs / total, losses, list(history.step_lrs)


def _metric_names(records):
    names = [name for name in records if name not in ("loss", "val_loss", "lr")
             and not name.startswith("val_")]
    return names + [name[4:] for name in records if name.startswith("val_")
                    and name != "val_loss" and name[4:] not in names]


def _draw_loss(axes, records, step_x, step_losses, log):
    epochs = np.arange(1, len(records.get("loss", [])) + 1)
    if step_losses:
        axes.plot(step_x, step_losses, color=PALETTE[0], alpha=0.25, linewidth=0.8,
                  label="train loss per step")
    if "loss" in records:
        axes.plot(epochs, records["loss"], "o-", color=PALETTE[0], label="train loss")
    if "val_loss" in records:
        axes.plot(np.arange(1, len(records["val_loss"]) + 1), records["val_loss"], "s--",
                  color=PALETTE[1], label="validation loss")
    axes.set_yscale("log" if log else "linear")
    axes.set_xlabel("epoch")
    axes.set_ylabel("loss")
    axes.grid(True, alpha=0.3)


def _draw_lr(axes, records, step_x, step_lrs):
    """The learning rate on a twin axis of ``axes`` (log scale when it spans a decade).

    A rate holds over the steps that used it, so it is drawn as a staircase: per step when
    the history has them (one-cycle and warm-up change it within an epoch), else epoch k's
    rate over (k - 1, k], the same span as the epoch's training loss drawn at x = k.
    """
    if len(step_lrs):
        x, lrs = step_x, np.asarray(step_lrs, dtype=float)
    else:
        lrs = np.asarray(records["lr"], dtype=float)
        x, lrs = np.arange(len(lrs) + 1), np.concatenate([lrs[:1], lrs])
    constant = lrs.min() == lrs.max()
    twin = axes.twinx()
    twin.plot(x, lrs, ":", drawstyle="steps-pre", color="grey", linewidth=1.5,
              label=f"learning rate {lrs[0]:g} (constant)" if constant else "learning rate")
    if constant:  # one tick: matplotlib's automatic ticks would invent a range around it
        twin.set_yticks([lrs[0]])
    elif lrs.min() > 0 and lrs.max() / lrs.min() > 10:
        twin.set_yscale("log")
    twin.set_ylabel("learning rate", color="grey")
    twin.tick_params(axis="y", colors="grey")
    return twin


def plot_history(history, log_loss=False, title=None, path=None):
    """Loss and metrics per epoch, train against validation, with the lr on a twin axis.

    Args:
        history: a ``tg.train.History`` (from ``fit``) or a dict of per-epoch lists with
            keys such as ``"loss"``, ``"val_loss"``, ``"lr"``, ``"accuracy"``,
            ``"val_accuracy"``.
        log_loss: logarithmic loss axis.
        title: figure title.
        path: save the figure there.

    Returns:
        A Figure: a loss panel (train per epoch and, faintly, per step; validation dashed;
        the learning rate dotted grey on the right axis) and one panel per metric (train
        solid, validation dashed).
    """
    records = _records(history)
    step_x, step_losses, step_lrs = _step_series(history, len(records.get("loss", [])))
    metrics = _metric_names(records)
    figure, panels = new_figure(5.2 * (1 + len(metrics)), 3.8, ncols=1 + len(metrics),
                                squeeze=False)
    loss_axes = panels[0, 0]
    _draw_loss(loss_axes, records, step_x, step_losses, log_loss)
    handles, labels = loss_axes.get_legend_handles_labels()
    if "lr" in records:
        lr_handles, lr_labels = _draw_lr(loss_axes, records, step_x,
                                         step_lrs).get_legend_handles_labels()
        handles, labels = handles + lr_handles, labels + lr_labels
    loss_axes.legend(handles, labels, fontsize=8, loc="best")
    loss_axes.set_title("Loss")
    for axes, name in zip(panels[0, 1:], metrics):
        for key, style, colour, label in ((name, "o-", PALETTE[0], "train"),
                                          (f"val_{name}", "s--", PALETTE[1], "validation")):
            if key in records:
                axes.plot(np.arange(1, len(records[key]) + 1), records[key], style,
                          color=colour, label=f"{label} {name}")
        axes.set_xlabel("epoch")
        axes.set_ylabel(name)
        axes.set_title(name.capitalize())
        axes.grid(True, alpha=0.3)
        axes.legend(fontsize=8, loc="best")
    if title:
        figure.suptitle(title)
    return finish(figure, path)


def plot_histories(histories, key="loss", log=True, xlabel="epoch", ymax=None, title=None,
                   path=None):
    """One quantity per epoch for several runs on one axes (e.g. runs with different lrs).

    Args:
        histories: mapping run name -> ``History`` or dict of per-epoch lists.
        key: which record to draw (``"loss"``, ``"val_accuracy"``, ...).
        log: logarithmic y axis.
        xlabel: what one record is (``"epoch"``, or ``"step"`` for per-step records).
        ymax: clip the y axis there (a diverging run would otherwise flatten the others).
        title: axes title; defaults to ``key``.
        path: save the figure there.

    Returns:
        A Figure with one line per run that recorded ``key``.
    """
    figure, axes = new_figure(6.5, 4.2)
    for colour, (name, history) in zip(PALETTE, histories.items()):
        values = _records(history).get(key)
        if values and key == "lr":  # a staircase, as in plot_history: epoch k's rate on (k-1, k]
            axes.plot(np.arange(len(values) + 1), [values[0]] + list(values), "-",
                      drawstyle="steps-pre", color=colour, label=name)
        elif values:
            axes.plot(np.arange(1, len(values) + 1), values, "o-" if len(values) < 60 else "-",
                      markersize=3, color=colour, label=name)
    axes.set_yscale("log" if log else "linear")
    axes.set_ylim(top=ymax)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(key)
    axes.set_title(title or key)
    axes.grid(True, alpha=0.3)
    axes.legend(fontsize=8)
    return finish(figure, path)


def plot_lr_find(lrs, losses, suggestion=None, title=None, path=None):
    """The LR range test: smoothed loss against a log-spaced learning rate.

    The best rate sits on the steepest part of the descent, well before the minimum of
    the curve (past which the loss explodes); ``tg.train.lr_find`` returns that rate.

    Args:
        lrs, losses: the sweep from ``tg.train.lr_find``.
        suggestion: the suggested lr (marked with a red point and a vertical line).
        title: axes title.
        path: save the figure there.

    Returns:
        A Figure with the curve on a log lr axis, the minimum marked, and the suggestion.
    """
    lrs = np.asarray(lrs, dtype=float)
    losses = np.asarray(losses, dtype=float)
    figure, axes = new_figure(6.5, 4.2)
    axes.plot(lrs, losses, color=PALETTE[0], label="smoothed loss")
    lowest = int(np.nanargmin(losses))
    axes.plot(lrs[lowest], losses[lowest], "v", color="grey", markersize=9,
              label=f"minimum loss at lr={lrs[lowest]:.2g} (too late)")
    if suggestion is not None:
        at = int(np.argmin(np.abs(np.log(lrs) - np.log(suggestion))))
        axes.axvline(suggestion, color=PALETTE[3], linestyle="--", linewidth=1)
        axes.plot(lrs[at], losses[at], "o", color=PALETTE[3], markersize=9,
                  label=f"suggested lr={suggestion:.2g} (steepest drop)")
    axes.set_xscale("log")
    top = min(np.nanmax(losses), 1.3 * losses[0])  # the explosion at the end would flatten all
    axes.set_ylim(np.nanmin(losses) - 0.05 * (top - np.nanmin(losses)),
                  top + 0.1 * (top - np.nanmin(losses)))
    axes.set_xlabel("learning rate (log scale)")
    axes.set_ylabel("loss (smoothed)")
    axes.set_title(title or "Learning-rate range test")
    axes.grid(True, which="major", alpha=0.3)
    axes.legend(fontsize=8, loc="best")
    return finish(figure, path)
