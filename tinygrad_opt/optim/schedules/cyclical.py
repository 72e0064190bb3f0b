"""Cyclical learning rates (Smith 2017) and the one-cycle policy (Smith & Topin 2018)."""

import math

from ._checks import check_positive_int, check_real, check_step


def triangular_scale(cycle):
    """CLR "triangular" amplitude: 1 for every cycle."""
    return 1.0


def triangular2_scale(cycle):
    """CLR "triangular2" amplitude: halved each cycle, ``1 / 2 ** (cycle - 1)``."""
    return 1 / (2.0 ** (cycle - 1))


def _cyclic_scale(mode, gamma, scale_fn, scale_mode):
    """Return ``(scale_fn, scale_mode)`` for a built-in ``mode`` or a custom ``scale_fn``."""
    if scale_fn is not None:
        if scale_mode not in ("cycle", "iterations"):
            raise ValueError(f"scale_mode must be 'cycle' or 'iterations', got {scale_mode!r}")
        return scale_fn, scale_mode
    if mode == "triangular":
        return triangular_scale, "cycle"
    if mode == "triangular2":
        return triangular2_scale, "cycle"
    if mode == "exp_range":
        check_real("gamma", gamma, low=0)
        return (lambda iteration: gamma**iteration), "iterations"
    raise ValueError(
        f"mode must be 'triangular', 'triangular2' or 'exp_range' when scale_fn is None, "
        f"got {mode!r}"
    )


def cyclic(step, base_lr, max_lr, step_size_up=2000, step_size_down=None, mode="triangular",
           gamma=1.0, scale_fn=None, scale_mode="cycle"):
    """Cyclical learning rate (Smith 2017; PyTorch's ``CyclicLR``).

    With ``L = up + down`` steps per cycle, ``cycle = floor(1 + t / L)`` and
    ``x = 1 + t / L - cycle`` (position in the cycle, in [0, 1)):
    ``f = x / r`` while ``x <= r = up / L`` (rising), else ``f = (x - 1) / (r - 1)`` (falling);
    ``lr_t = base_lr + (max_lr - base_lr) * f * scale``. The amplitude ``scale`` is
    ``scale_fn(cycle)`` ("cycle" scale mode) or ``scale_fn(t)`` ("iterations"):
    triangular 1, triangular2 ``1 / 2**(cycle - 1)``, exp_range ``gamma ** t``.
    Momentum cycles inversely: ``cyclic(t, max_momentum, base_momentum, ...)``.

    Args:
        step: Step count ``t >= 0``.
        base_lr: Lower boundary of the cycle.
        max_lr: Upper boundary (reached only when ``scale = 1``).
        step_size_up: Steps in the rising half (> 0).
        step_size_down: Steps in the falling half (> 0); ``None`` means ``step_size_up``.
        mode: "triangular", "triangular2" or "exp_range"; ignored when ``scale_fn`` is given.
        gamma: Base of the exp_range amplitude.
        scale_fn: Optional custom amplitude, a function of one number.
        scale_mode: "cycle" or "iterations": what ``scale_fn`` receives.

    Returns:
        The learning rate at step ``t``.

    Raises:
        ValueError: If an argument is out of range.
    """
    check_step(step)
    check_real("base_lr", base_lr)
    check_real("max_lr", max_lr)
    check_real("step_size_up", step_size_up, low=0, low_open=True)
    if step_size_down is None:
        step_size_down = step_size_up
    check_real("step_size_down", step_size_down, low=0, low_open=True)
    amplitude, amplitude_of = _cyclic_scale(mode, gamma, scale_fn, scale_mode)
    total_size = float(step_size_up) + float(step_size_down)
    step_ratio = float(step_size_up) / total_size
    cycle = math.floor(1 + step / total_size)
    position = 1.0 + step / total_size - cycle
    if position <= step_ratio:
        scale_factor = position / step_ratio
    else:
        scale_factor = (position - 1) / (step_ratio - 1)
    base_height = (max_lr - base_lr) * scale_factor
    return base_lr + base_height * amplitude(cycle if amplitude_of == "cycle" else step)


def anneal_cos(start, end, pct):
    """Cosine interpolation: ``end + (start - end) / 2 * (1 + cos(pi * pct))``."""
    return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)


def anneal_linear(start, end, pct):
    """Linear interpolation: ``start + (end - start) * pct``."""
    return (end - start) * pct + start


def one_cycle_phase(step, total_steps, pct_start=0.3, three_phase=False):
    """Find the one-cycle phase holding step ``t`` and the fraction of it already done.

    Phase ends (inclusive, as floats): two phases ``[p*N - 1, N - 1]``; three phases
    ``[p*N - 1, 2*p*N - 2, N - 1]``, with ``p = pct_start`` and ``N = total_steps``. The last
    phase also takes step ``N`` (its fraction is then a little above 1, as in PyTorch).

    Args:
        step: Step count ``t`` in ``[0, total_steps]``.
        total_steps: Length ``N`` of the cycle (a positive integer).
        pct_start: Fraction ``p`` of the cycle spent raising the rate, in [0, 1].
        three_phase: Whether to add the symmetric descent phase before the final annealing.

    Returns:
        ``(phase_index, pct)``: 0-based phase and ``(t - phase_start) / (phase_end -
        phase_start)``.

    Raises:
        ValueError: If an argument is out of range, including ``t > total_steps``.
    """
    check_step(step)
    check_positive_int("total_steps", total_steps)
    check_real("pct_start", pct_start, low=0, high=1)
    if step > total_steps:
        raise ValueError(f"step {step} is past total_steps={total_steps} of the one-cycle")
    if three_phase:
        phase_ends = [
            float(pct_start * total_steps) - 1,
            float(2 * pct_start * total_steps) - 2,
            total_steps - 1,
        ]
    else:
        phase_ends = [float(pct_start * total_steps) - 1, total_steps - 1]
    phase_start = 0.0
    for index, phase_end in enumerate(phase_ends[:-1]):
        if step <= phase_end:
            return index, (step - phase_start) / (phase_end - phase_start)
        phase_start = phase_end
    return len(phase_ends) - 1, (step - phase_start) / (phase_ends[-1] - phase_start)


def one_cycle(step, max_lr, total_steps, pct_start=0.3, anneal_strategy="cos",
              div_factor=25.0, final_div_factor=1e4, three_phase=False):
    """One-cycle policy (Smith & Topin 2018; PyTorch's ``OneCycleLR``).

    With ``lr_init = max_lr / div_factor`` and ``lr_min = lr_init / final_div_factor`` the rate
    is annealed phase by phase (see :func:`one_cycle_phase`): two phases
    ``lr_init -> max_lr -> lr_min``; three phases ``lr_init -> max_lr -> lr_init -> lr_min``.
    Within a phase ``lr_t = anneal(start, end, pct)`` with :func:`anneal_cos` or
    :func:`anneal_linear`.

    Args:
        step: Step count ``t`` in ``[0, total_steps]``.
        max_lr: Peak learning rate.
        total_steps: Length of the cycle (a positive integer).
        pct_start: Fraction of the cycle spent raising the rate, in [0, 1].
        anneal_strategy: "cos" or "linear".
        div_factor: ``max_lr / lr_init`` (> 0).
        final_div_factor: ``lr_init / lr_min`` (> 0).
        three_phase: Whether to use the three-phase variant.

    Returns:
        The learning rate at step ``t``.

    Raises:
        ValueError: If an argument is out of range.
    """
    check_real("max_lr", max_lr, low=0)
    check_real("div_factor", div_factor, low=0, low_open=True)
    check_real("final_div_factor", final_div_factor, low=0, low_open=True)
    initial_lr = max_lr / div_factor
    min_lr = initial_lr / final_div_factor
    if three_phase:
        phase_bounds = [(initial_lr, max_lr), (max_lr, initial_lr), (initial_lr, min_lr)]
    else:
        phase_bounds = [(initial_lr, max_lr), (max_lr, min_lr)]
    return _one_cycle_anneal(step, total_steps, pct_start, anneal_strategy, three_phase,
                             phase_bounds)


def one_cycle_momentum(step, total_steps, base_momentum=0.85, max_momentum=0.95,
                       pct_start=0.3, anneal_strategy="cos", three_phase=False):
    """Momentum of the one-cycle policy, moving opposite to the learning rate.

    Two phases ``max_momentum -> base_momentum -> max_momentum``; three phases
    ``max -> base -> max``, then held at ``max_momentum``; annealed as in :func:`one_cycle`.

    Args:
        step: Step count ``t`` in ``[0, total_steps]``.
        total_steps: Length of the cycle (a positive integer).
        base_momentum: Momentum at the learning-rate peak.
        max_momentum: Momentum at the start and the end.
        pct_start: Fraction of the cycle spent raising the rate, in [0, 1].
        anneal_strategy: "cos" or "linear".
        three_phase: Whether to use the three-phase variant.

    Returns:
        The momentum (or Adam's beta1) at step ``t``.

    Raises:
        ValueError: If an argument is out of range.
    """
    check_real("base_momentum", base_momentum)
    check_real("max_momentum", max_momentum)
    if three_phase:
        phase_bounds = [(max_momentum, base_momentum), (base_momentum, max_momentum),
                        (max_momentum, max_momentum)]
    else:
        phase_bounds = [(max_momentum, base_momentum), (base_momentum, max_momentum)]
    return _one_cycle_anneal(step, total_steps, pct_start, anneal_strategy, three_phase,
                             phase_bounds)


def _one_cycle_anneal(step, total_steps, pct_start, anneal_strategy, three_phase, phase_bounds):
    if anneal_strategy == "cos":
        anneal = anneal_cos
    elif anneal_strategy == "linear":
        anneal = anneal_linear
    else:
        raise ValueError(f"anneal_strategy must be 'cos' or 'linear', got {anneal_strategy!r}")
    phase_index, pct = one_cycle_phase(step, total_steps, pct_start, three_phase)
    start, end = phase_bounds[phase_index]
    return anneal(start, end, pct)
