"""Pictures of a gradient check: where analytic and numeric derivatives disagree.

``check_gradients`` compares, for every element k of every input, the derivative from
``backward`` with the central difference (F(x + eps e_k) - F(x - eps e_k)) / (2 eps). An
element passes when |analytic - numeric| <= atol + rtol |numeric| (its tolerance).
"""
import numpy as np

from ._figure import finish, new_figure

_STATUS_COLOURS = {"ok": "tab:green", "fail": "tab:red", "kink": "tab:gray"}
_FLOOR = 1e-18  # exact agreement has zero error; draw it at this floor of the log axis


def plot_gradcheck(report, path=None):
    """Per-input errors of a ``GradcheckReport``, as bars and as a per-element strip.

    Args:
        report: what ``tg.check_gradients`` (or ``check_model_gradients``) returned.
        path: save the figure there.

    Returns:
        A Figure with two panels. Left: max |analytic - numeric| per input (log scale),
        red when any element of that input fails. Right: every element's error divided by
        its tolerance, green ok, red fail, grey skipped at a kink; above the dashed line at
        1 an element fails.
    """
    inputs = list(report)
    figure, (bars, strip) = new_figure(max(9.0, 1.6 * len(inputs) + 5.0), 4.0, ncols=2)
    names = [f"{entry.name}\n{tuple(entry.shape)}" for entry in inputs]
    errors = [max(entry.max_abs_error, _FLOOR) for entry in inputs]
    colours = [_STATUS_COLOURS["fail" if entry.failures() else "ok"] for entry in inputs]
    bars.bar(range(len(inputs)), errors, color=colours)
    bars.set_yscale("log")
    bars.set_ylim(min(errors) / 30, max(errors) * 30)
    for position, error in enumerate(errors):
        bars.annotate(f"{error:.1e}", (position, error), ha="center", va="bottom", fontsize=8)
    bars.set_xticks(range(len(inputs)), names, fontsize=8)
    bars.set_ylabel("max |analytic − numeric|")
    bars.set_title("Worst error per input")
    jitter = np.random.default_rng(0)
    labelled = set()
    for position, entry in enumerate(inputs):
        for status, colour in _STATUS_COLOURS.items():
            ratios = [max(e.abs_error / e.tolerance, _FLOOR)
                      for e in entry.elements if e.status == status]
            if ratios:
                offsets = position + jitter.uniform(-0.25, 0.25, len(ratios))
                strip.scatter(offsets, ratios, s=12, color=colour, alpha=0.7,
                              label=None if status in labelled else status)
                labelled.add(status)
    strip.axhline(1.0, color="black", linestyle="--", linewidth=1, label="fail threshold")
    strip.set_yscale("log")
    strip.set_xticks(range(len(inputs)), names, fontsize=8)
    strip.set_xlim(-0.5, len(inputs) - 0.5)
    strip.set_ylabel("error / (atol + rtol·|numeric|)")
    strip.set_title("Each derivative: error / tolerance")
    strip.legend(fontsize=8, loc="best")
    count = len(report.failures())
    verdict = "passed" if report.passed else f"FAILED ({count} element{'s' * (count != 1)})"
    figure.suptitle(f"Gradient check {verdict}: eps={report.eps:g}, atol={report.atol:g}, "
                    f"rtol={report.rtol:g}")
    return finish(figure, path)


def plot_eps_sweep(eps_values, errors, path=None):
    """The finite-difference error against eps, from ``tg.gradcheck_eps_sweep``.

    The central difference has truncation error ~ C eps² (large eps) and round-off error
    ~ machine_eps / eps (small eps), so the total is a V on log-log axes whose bottom is
    the best eps (about 1e-5 to 1e-6 in float64).

    Args:
        eps_values: the step sizes.
        errors: worst |analytic - numeric| for each.
        path: save the figure there.

    Returns:
        A Figure: the measured error, the two reference slopes, and the best eps marked.
    """
    eps_values = np.asarray(eps_values, float)
    errors = np.maximum(np.asarray(errors, float), _FLOOR)
    figure, axes = new_figure(6.0, 4.2)
    axes.loglog(eps_values, errors, "o-", color="tab:blue", label="measured max error")
    best = int(np.argmin(errors))
    machine_eps = np.finfo(np.float64).eps
    # anchor each reference slope on its own arm of the V, away from the crossover
    right = (best + len(eps_values)) // 2
    round_off = machine_eps / eps_values * errors[0] / (machine_eps / eps_values[0])
    truncation = eps_values ** 2 * errors[right] / eps_values[right] ** 2
    axes.loglog(eps_values, round_off, ":", color="tab:orange",
                label="round-off ∝ machine ε / eps")
    axes.loglog(eps_values, truncation, "--", color="tab:purple", label="truncation ∝ eps²")
    axes.scatter([eps_values[best]], [errors[best]], s=80, color="tab:red", zorder=3,
                 label=f"best eps ≈ {eps_values[best]:.0e}")
    axes.set_ylim(errors.min() / 10, errors.max() * 10)
    axes.set_xlabel("finite-difference step eps")
    axes.set_ylabel("max |analytic − numeric|")
    axes.set_title("Choosing eps for central differences (float64)")
    axes.grid(True, which="major", alpha=0.3)
    axes.legend(fontsize=8)
    return finish(figure, path)
