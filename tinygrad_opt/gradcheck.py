"""Numerical gradient checking: backward's gradients against central differences.

For every input x that requires grad and every element x_k, the numeric derivative is

    dF/dx_k ~ (F(x + eps e_k) - F(x - eps e_k)) / (2 eps),

whose truncation error is O(eps^2) and whose round-off error is O(machine_eps / eps), so
eps = 1e-6 balances the two in float64 (see ``gradcheck_eps_sweep``). A non-scalar F has
its full Jacobian checked, one backward call per output element, as PyTorch does.

An element passes when |analytic - numeric| <= atol + rtol * |numeric|. Where the
one-sided differences (F(x + eps) - F(x)) / eps and (F(x) - F(x - eps)) / eps disagree by
more than that tolerance, F has a kink within eps of x (relu, abs, max, clip); such an
element is reported as "kink" (not differentiable there) and skipped, not failed.
"""
import copy
import math
import numbers
import warnings

import numpy as np

from . import _random, autograd
from .tensor import Tensor


class GradcheckError(RuntimeError):
    """Raised by ``gradcheck`` when an analytic gradient disagrees with the numeric one."""


class ElementCheck:
    """One compared derivative: dF[output_index] / d input[index]."""

    def __init__(self, name, index, output_index, analytic, numeric, tolerance, status):
        self.name = name
        self.index = index
        self.output_index = output_index
        self.analytic = analytic
        self.numeric = numeric
        self.tolerance = tolerance
        self.status = status

    @property
    def abs_error(self):
        return abs(self.analytic - self.numeric)

    @property
    def rel_error(self):
        scale = max(abs(self.analytic), abs(self.numeric))
        return self.abs_error / scale if scale > 0 else 0.0

    @property
    def location(self):
        """Readable position, e.g. ``layers.2.weight[3, 7]`` or ``input 0[1] (output [2])``."""
        where = self.name + (f"[{', '.join(str(i) for i in self.index)}]" if self.index else "")
        if self.output_index is not None:
            where += f" (output [{', '.join(str(i) for i in self.output_index)}])"
        return where

    def __repr__(self):
        return (f"{self.location}: analytic {self.analytic:.6g}, numeric {self.numeric:.6g}, "
                f"error {self.abs_error:.3g} (tolerance {self.tolerance:.3g}), {self.status}")


class InputReport:
    """The checks of one input: its worst errors, failures and skipped kinks."""

    def __init__(self, index, name, shape, elements):
        self.index = index
        self.name = name
        self.shape = shape
        self.elements = elements

    def _checked(self):
        return [e for e in self.elements if e.status != "kink"]

    @property
    def max_abs_error(self):
        return max((e.abs_error for e in self._checked()), default=0.0)

    @property
    def max_rel_error(self):
        return max((e.rel_error for e in self._checked()), default=0.0)

    def failures(self):
        return [e for e in self.elements if e.status == "fail"]

    def skipped(self):
        return [e for e in self.elements if e.status == "kink"]

    def worst(self, count=3):
        """The ``count`` checked elements with the largest error relative to tolerance."""
        return sorted(self._checked(), key=lambda e: e.abs_error / e.tolerance,
                      reverse=True)[:count]

    def __str__(self):
        verdict = f"{len(self.failures())} FAILED" if self.failures() else "ok"
        lines = [f"{self.name} shape {self.shape}: {verdict}; max abs error "
                 f"{self.max_abs_error:.3g}, max rel error {self.max_rel_error:.3g}; "
                 f"{len(self.elements)} derivative{'s' * (len(self.elements) != 1)}, "
                 f"{len(self.skipped())} skipped at kinks"]
        shown = self.worst(3) + self.skipped()[:3]
        width = max([len("element")] + [len(e.location) for e in shown]) + 2
        lines.append(f"  {'element':<{width}}{'analytic':>14}{'numeric':>14}{'abs error':>12}"
                     f"{'tolerance':>12}  status")
        for e in shown:
            lines.append(f"  {e.location:<{width}}{e.analytic:>14.6g}{e.numeric:>14.6g}"
                         f"{e.abs_error:>12.3g}{e.tolerance:>12.3g}  {e.status}")
        hidden = len(self.failures()) - sum(e.status == "fail" for e in shown)
        if hidden:
            lines.append(f"  ... and {hidden} more failing; .failures() lists them all")
        return "\n".join(lines)


class GradcheckReport:
    """What ``check_gradients`` found: one ``InputReport`` per input that requires grad."""

    def __init__(self, inputs, eps, atol, rtol):
        self.inputs = inputs
        self.eps, self.atol, self.rtol = eps, atol, rtol

    @property
    def passed(self):
        return not self.failures()

    def failures(self):
        """Every failing element over all inputs."""
        return [e for report in self.inputs for e in report.failures()]

    def __iter__(self):
        return iter(self.inputs)

    def __len__(self):
        return len(self.inputs)

    def __getitem__(self, position):
        return self.inputs[position]

    def __str__(self):
        head = (f"gradient check {'passed' if self.passed else 'FAILED'} "
                f"(eps={self.eps:g}, atol={self.atol:g}, rtol={self.rtol:g})")
        return "\n".join([head] + [str(report) for report in self.inputs])

    __repr__ = __str__


def _float64_inputs(inputs, stacklevel):
    """Float64 copies of the inputs (Tensors keep requires_grad); others pass through. A
    float32 input is warned about at ``stacklevel`` (the user's call)."""
    copies = []
    for position, x in enumerate(inputs):
        if not isinstance(x, Tensor):
            copies.append(x)
            continue
        if x.data.dtype.kind == "f" and x.data.dtype != np.float64:
            warnings.warn(f"gradcheck: input {position} is {x.data.dtype}; checking a float64 "
                          "copy (finite differences need float64 precision)",
                          stacklevel=stacklevel)
        dtype = np.float64 if x.data.dtype.kind == "f" else None
        copies.append(Tensor(x.data, requires_grad=x.requires_grad, dtype=dtype))
    return copies


def _analytic_jacobians(evaluate, tensors):
    """Rows of dF/d tensor via one backward per output element; restores foreign grads."""
    out = evaluate()
    jacobians = [np.zeros((out.data.size, t.data.size)) for t in tensors]
    if not out.requires_grad:
        return out, jacobians
    leaves = [n for n in autograd.topological_order(out) if n._ctx is None]
    saved_grads = [leaf.grad for leaf in leaves]
    for row in range(out.data.size):
        for leaf in leaves:
            leaf.grad = None
        seed = np.zeros_like(out.data)
        seed.flat[row] = 1
        out.backward(seed)
        for jacobian, t in zip(jacobians, tensors):
            if t.grad is not None:
                jacobian[row] = t.grad.ravel()
    for leaf, grad in zip(leaves, saved_grads):
        leaf.grad = grad
    return out, jacobians


def _perturbed_outputs(evaluate, tensor, k, eps):
    """F at x_k + eps and x_k - eps (flattened float64), leaving x_k as it was."""
    flat = tensor.data.reshape(-1)
    original = flat[k]
    outputs = []
    for shift in (eps, -eps):
        flat[k] = original + shift
        outputs.append(np.array(evaluate().data, dtype=np.float64).ravel())
    flat[k] = original
    return outputs


def _compare_input(evaluate, tensor, name, jacobian, base, out_shape, eps, atol, rtol):
    elements = []
    for k in range(tensor.data.size):
        plus, minus = _perturbed_outputs(evaluate, tensor, k, eps)
        central = (plus - minus) / (2 * eps)
        one_sided_gap = np.abs((plus - base) - (base - minus)) / eps
        index = np.unravel_index(k, tensor.data.shape)
        for row in range(base.size):
            tolerance = atol + rtol * abs(central[row])
            analytic = float(jacobian[row, k])
            if one_sided_gap[row] > tolerance:
                status = "kink"
            else:
                status = "ok" if abs(analytic - central[row]) <= tolerance else "fail"
            output_index = np.unravel_index(row, out_shape) if out_shape else None
            elements.append(ElementCheck(name, tuple(int(i) for i in index), output_index,
                                         analytic, float(central[row]), tolerance, status))
    return elements


def _check_tolerances(eps, atol, rtol):
    for name, value in (("eps", eps), ("atol", atol), ("rtol", rtol)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"gradcheck: {name} must be a number, got {value!r}")
        if not (0 <= value < math.inf) or (name == "eps" and value == 0):
            raise ValueError(f"gradcheck: {name} must be {'> 0' if name == 'eps' else '>= 0'} "
                             f"and finite, got {value!r}")


def _check(evaluate, tensors, names, eps, atol, rtol):
    _check_tolerances(eps, atol, rtol)
    out, jacobians = _analytic_jacobians(evaluate, tensors)
    base = np.array(out.data, dtype=np.float64).ravel()
    reports = []
    with autograd.no_grad():
        for position, (t, name, jacobian) in enumerate(zip(tensors, names, jacobians)):
            elements = _compare_input(evaluate, t, name, jacobian, base, out.data.shape,
                                      eps, atol, rtol)
            reports.append(InputReport(position, name, t.data.shape, elements))
    return GradcheckReport(reports, eps, atol, rtol)


def _prepare(fn, inputs, frames_to_user):
    """``frames_to_user``: how far up the user's call is (1 = the caller of ``_prepare``)."""
    if not callable(fn):
        raise TypeError(f"gradcheck: fn must be a function of the inputs, got a "
                        f"{type(fn).__name__} (arguments: fn, inputs)")
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    copies = _float64_inputs(inputs, stacklevel=frames_to_user + 2)
    positions = [i for i, x in enumerate(copies) if isinstance(x, Tensor) and x.requires_grad]
    if not positions:
        raise ValueError("gradcheck: no input has requires_grad=True, nothing to check")

    def evaluate():
        out = fn(*copies)
        if not isinstance(out, Tensor):
            raise TypeError(f"gradcheck: fn must return a Tensor, got {type(out).__name__}")
        return out

    tensors = [copies[i] for i in positions]
    names = [f"input {i}" for i in positions]
    return evaluate, tensors, names, positions


def check_gradients(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3):
    """Compare analytic and numeric gradients of ``fn(*inputs)`` element by element.

    Args:
        fn: a function of the inputs returning a Tensor (any shape).
        inputs: a Tensor or a sequence of Tensors and other arguments; float Tensors are
            checked on float64 copies, so the inputs are left exactly as they were.
        eps: finite-difference step.
        atol, rtol: an element passes when |analytic - numeric| <= atol + rtol |numeric|.

    Returns:
        A ``GradcheckReport``: ``report[i].index`` (position in ``inputs``),
        ``.max_abs_error``, ``.max_rel_error``, ``.worst()``, ``.failures()``; printing it
        shows a table per input.
    """
    return _input_report(fn, inputs, eps, atol, rtol)


def _input_report(fn, inputs, eps, atol, rtol):
    """``check_gradients``'s work, called directly by both public functions so that a
    float32 warning points at the user's line (two frames up)."""
    evaluate, tensors, names, positions = _prepare(fn, inputs, frames_to_user=3)
    report = _check(evaluate, tensors, names, eps, atol, rtol)
    for input_report, position in zip(report.inputs, positions):
        input_report.index = position
    return report


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True):
    """True if every analytic gradient of ``fn(*inputs)`` matches central differences.

    Args and tolerances as ``check_gradients``.

    Raises:
        GradcheckError: on a mismatch when ``raise_exception`` (else returns False); the
            message names the input, the element index, and both values.
    """
    report = _input_report(fn, inputs, eps, atol, rtol)
    if report.passed:
        return True
    if raise_exception:
        failures = report.failures()
        raise GradcheckError(f"{len(failures)} gradient element(s) disagree; first: "
                             f"{failures[0]!r}\n{report}")
    return False


def check_model_gradients(model, loss_fn, X, y, eps=1e-6, atol=1e-5, rtol=1e-3):
    """Check every parameter of ``model`` through the real loss ``loss_fn(model(X), y)``.

    Works on a float64 deep copy of the model (BatchNorm in train mode included; the model
    itself is untouched). The global random generator is rewound before each evaluation so
    Dropout drawing from it sees the same mask every time. Failures are named by parameter,
    e.g. ``layers.2.weight[3, 7]``.

    Returns:
        A ``GradcheckReport`` with one entry per parameter.
    """
    model_copy = copy.deepcopy(model).to(np.float64)
    X = Tensor(X.data if isinstance(X, Tensor) else X, dtype=np.float64)
    named = list(model_copy.named_parameters())
    rng_state = _random.global_rng().bit_generator.state

    def evaluate():
        _random.global_rng().bit_generator.state = rng_state
        return loss_fn(model_copy(X), y)

    report = _check(evaluate, [p for _, p in named], [n for n, _ in named], eps, atol, rtol)
    _random.global_rng().bit_generator.state = rng_state
    return report


def gradcheck_eps_sweep(fn, inputs, eps_values=None):
    """Worst |analytic - central difference| over all elements, for each eps on a log grid.

    Shows the two error regimes: truncation error ~ eps^2 for large eps, and round-off
    ~ machine_eps / eps for small eps; their crossing (about 1e-5..1e-6 in float64) is the
    best eps. Returns ``(eps_values, max_abs_errors)`` as arrays.
    """
    eps_values = np.logspace(-12, -1, 23) if eps_values is None else np.asarray(eps_values)
    evaluate, tensors, _, _ = _prepare(fn, inputs, frames_to_user=2)
    out, jacobians = _analytic_jacobians(evaluate, tensors)
    errors = np.zeros(len(eps_values))
    with autograd.no_grad():
        for i, eps in enumerate(eps_values):
            for t, jacobian in zip(tensors, jacobians):
                for k in range(t.data.size):
                    plus, minus = _perturbed_outputs(evaluate, t, k, eps)
                    error = np.abs((plus - minus) / (2 * eps) - jacobian[:, k]).max()
                    errors[i] = max(errors[i], error)
    return eps_values, errors
