"""Learning-rate schedules drawn as curves of lr against the step.

A schedule is given in any of three forms:

* a pure function ``step -> lr``, e.g.
  ``functools.partial(tg.optim.schedules.cosine_annealing, lr0=0.1, T_max=100)``;
* ``(SchedulerClass, kwargs)``, e.g. ``(tg.optim.lr_scheduler.StepLR, {"step_size": 30})``,
  run on a throw-away SGD optimizer whose lr is ``base_lr``;
* a function of one argument named ``optimizer`` returning a scheduler (for schedulers
  built from others, such as ``SequentialLR``).
"""
import inspect

import numpy as np

from ..nn import Parameter
from ..optim import SGD
from ._figure import PALETTE, finish, new_figure


def _is_scheduler_factory(spec):
    if not callable(spec) or isinstance(spec, tuple):
        return False
    try:
        names = list(inspect.signature(spec).parameters)
    except (TypeError, ValueError):
        return False
    return names == ["optimizer"]


def schedule_values(spec, steps, base_lr=0.1):
    """The learning rate at steps 0 .. steps - 1 for one schedule (any form above).

    Args:
        spec: a pure function of the step, ``(SchedulerClass, kwargs)``, or a factory
            ``lambda optimizer: Scheduler(optimizer, ...)``.
        steps: how many steps to evaluate.
        base_lr: the optimizer's lr for scheduler classes (ignored by pure functions).

    Returns:
        float array of length ``steps``: for a scheduler, ``get_last_lr()[0]`` before each
        ``step()``, i.e. the rate the optimizer would use at that step.
    """
    if isinstance(spec, tuple) or _is_scheduler_factory(spec):
        optimizer = SGD([Parameter(np.zeros(1))], lr=base_lr, momentum=0.9)
        if isinstance(spec, tuple):
            scheduler_class, options = spec
            scheduler = scheduler_class(optimizer, **options)
        else:
            scheduler = spec(optimizer)
        values = []
        for _ in range(steps):
            values.append(scheduler.get_last_lr()[0])
            optimizer.step()  # no gradient, so no update: the order a training loop keeps
            scheduler.step()
        return np.array(values, dtype=float)
    try:
        first = spec(0)
    except Exception as error:
        raise TypeError(f"schedule {spec!r} failed when called with the step 0 ({error}); a "
                        "function that builds a scheduler must name its one argument "
                        "'optimizer', e.g. lambda optimizer: StepLR(optimizer, 30)") from error
    return np.array([first] + [spec(step) for step in range(1, steps)], dtype=float)


def plot_lr_schedule(schedules, steps, base_lr=0.1, highlight=(), columns=3, log=False,
                     title=None, path=None):
    """Draw several schedules, one small panel each, on a shared step axis.

    Args:
        schedules: mapping name -> schedule (see the module docstring), or one schedule.
        steps: number of steps drawn.
        base_lr: the initial lr given to scheduler classes.
        highlight: names drawn thick and coloured, with a tinted panel (e.g. SGDR and
            cyclical schedules in a lecture); the others are drawn in dark grey.
        columns: panels per row.
        log: logarithmic lr axis (for exponential and inverse-time decay).
        title: figure title.
        path: save the figure there.

    Returns:
        A Figure with one axes per schedule, each titled with its name and showing its
        lr range; restarts and cycles are visible as the jumps up.
    """
    if not isinstance(schedules, dict):
        schedules = {"schedule": schedules}
    if isinstance(highlight, str):
        highlight = (highlight,)
    unknown = [name for name in highlight if name not in schedules]
    if unknown:
        raise ValueError(f"plot_lr_schedule: highlight names {unknown} are not schedules; "
                         f"known: {list(schedules)}")
    rows = -(-len(schedules) // columns)
    figure, grid = new_figure(3.6 * columns, 2.3 * rows + 0.5, nrows=rows, ncols=columns,
                              sharex=True, squeeze=False)
    step_axis = np.arange(steps)
    highlight_colours = dict(zip([n for n in schedules if n in highlight], PALETTE))
    for axes, (name, spec) in zip(grid.flat, schedules.items()):
        values = schedule_values(spec, steps, base_lr)
        marked = name in highlight_colours
        axes.plot(step_axis, values, color=highlight_colours.get(name, "#333333"),
                  linewidth=2.2 if marked else 1.3)
        if marked:
            axes.set_facecolor("#fff6e0")
        axes.set_title(name, fontsize=10, fontweight="bold" if marked else "normal")
        axes.set_yscale("log" if log else "linear")
        axes.grid(True, alpha=0.3)
        axes.set_ylim(bottom=None if log else 0)
    used = list(grid.flat)[:len(schedules)]
    for column in range(columns):
        lowest = [axes for axes in used[column::columns]][-1:]
        for axes in lowest:
            axes.xaxis.set_tick_params(labelbottom=True)
            axes.set_xlabel("step")
    for axes in grid[:, 0]:
        axes.set_ylabel("learning rate")
    for axes in list(grid.flat)[len(schedules):]:
        axes.set_axis_off()
    figure.suptitle(title or f"Learning-rate schedules over {steps} steps")
    return finish(figure, path)


def plot_lr_overlay(schedules, steps, base_lr=0.1, log=False, title=None, path=None):
    """Draw several schedules on one axes, to compare their values directly.

    Args:
        schedules: mapping name -> schedule (see the module docstring).
        steps, base_lr, log, title, path: as ``plot_lr_schedule``.

    Returns:
        A Figure with one line per schedule and a legend.
    """
    figure, axes = new_figure(7.0, 4.0)
    for index, (name, spec) in enumerate(schedules.items()):
        axes.plot(schedule_values(spec, steps, base_lr), color=PALETTE[index % len(PALETTE)],
                  linewidth=1.8, label=name)
    axes.set_yscale("log" if log else "linear")
    axes.set_xlabel("step")
    axes.set_ylabel("learning rate")
    axes.grid(True, alpha=0.3)
    axes.legend(fontsize=8)
    axes.set_title(title or "Learning-rate schedules")
    return finish(figure, path)
