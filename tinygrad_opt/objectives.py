"""Two-dimensional test functions for optimizers, written as Tensor expressions.

Each ``Objective`` maps a point ``p = (x, y)`` (a Tensor whose first axis has length 2) to
``f(x, y)`` with ordinary Tensor operations, so ``backward`` gives its gradient and any
optimizer in ``tinygrad_opt.optim`` can minimise it. Because ``p[0]`` and ``p[1]`` are
indexed along the first axis only, the same expression evaluates a whole grid at once
(``p`` of shape ``(2, rows, cols)``), which is how contour plots are drawn.

Every objective records its known minima, the value there, its saddle points, a plotting
domain and a start point that makes the picture instructive. They are shared by the tests,
``viz.paths``, the examples and the benchmarks:

    >>> import tinygrad_opt as tg
    >>> f = tg.objectives.ROSENBROCK
    >>> p = tg.Tensor(f.start, requires_grad=True, dtype="float64")
    >>> f(p).backward()
"""
from dataclasses import dataclass, field

import numpy as np

from . import autograd
from .tensor import Tensor


@dataclass(frozen=True)
class Objective:
    """A 2-D test function with what is known about it.

    Attributes:
        name: short name, e.g. ``"rosenbrock"``.
        formula: the function in plain text, for titles and tables.
        function: ``p -> f(p[0], p[1])`` on Tensors (use ``objective(p)``).
        minima: the global minimisers as ``(x, y)`` tuples (empty if unbounded below).
        minimum_value: f at every minimiser (None if unbounded below).
        saddle_points: stationary points that are neither minima nor maxima.
        xlim, ylim: a plotting domain that contains the start and the minima.
        start: the default start point of an optimizer race.
    """

    name: str
    formula: str
    function: object
    minima: tuple
    minimum_value: object
    xlim: tuple
    ylim: tuple
    start: tuple
    saddle_points: tuple = field(default=())

    def __call__(self, point):
        """f(point) for a Tensor ``point`` whose first axis is (x, y)."""
        return self.function(point)

    def value(self, x, y):
        """f(x, y) as a float array, for numbers or arrays of any (equal) shape."""
        grid = np.stack(np.broadcast_arrays(np.asarray(x, float), np.asarray(y, float)))
        with autograd.no_grad():
            return self.function(Tensor(grid, dtype=np.float64)).data

    def gradient(self, point):
        """The gradient (df/dx, df/dy) at ``point`` as a float64 array of shape (2,)."""
        tensor = Tensor(np.asarray(point, float), requires_grad=True, dtype=np.float64)
        self.function(tensor).backward()
        return tensor.grad

    def grid(self, resolution=200):
        """``(X, Y, Z)`` meshes over the plotting domain, Z = f(X, Y), for contour plots."""
        X, Y = np.meshgrid(np.linspace(*self.xlim, resolution),
                           np.linspace(*self.ylim, resolution))
        return X, Y, self.value(X, Y)


def _quadratic(p, condition=10.0):
    return 0.5 * (p[0] ** 2 + condition * p[1] ** 2)


def _rosenbrock(p):
    return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2


def _beale(p):
    x, y = p[0], p[1]
    return ((1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2
            + (2.625 - x + x * y ** 3) ** 2)


def _himmelblau(p):
    return (p[0] ** 2 + p[1] - 11) ** 2 + (p[0] + p[1] ** 2 - 7) ** 2


def _saddle(p):
    return p[0] ** 2 - p[1] ** 2


def _rastrigin(p):
    two_pi = 2 * np.pi
    return (20 + p[0] ** 2 - 10 * (two_pi * p[0]).cos()
            + p[1] ** 2 - 10 * (two_pi * p[1]).cos())


QUADRATIC = Objective(
    name="quadratic", formula="f = (x² + 10 y²) / 2", function=_quadratic,
    minima=((0.0, 0.0),), minimum_value=0.0,
    xlim=(-3.0, 3.0), ylim=(-2.0, 2.0), start=(-2.5, 1.5))
"""Ill-conditioned bowl f(x, y) = (x² + κ y²) / 2 with κ = 10.

The Hessian is diag(1, κ): gradient descent is stable only for lr < 2/κ = 0.2, at which
it crawls along x (contraction 1 - lr per step), so it zig-zags across the narrow valley;
momentum and per-coordinate scaling (Adam, RMSprop) fix exactly this. Minimum f(0, 0) = 0.
"""

ROSENBROCK = Objective(
    name="rosenbrock", formula="f = (1 - x)² + 100 (y - x²)²", function=_rosenbrock,
    minima=((1.0, 1.0),), minimum_value=0.0,
    xlim=(-2.0, 2.0), ylim=(-1.0, 3.0), start=(-1.5, 2.5))
"""Rosenbrock's banana f(x, y) = (1 - x)² + 100 (y - x²)².

The valley floor y = x² is found in a few steps, then followed slowly along its curved
bottom. Minimum f(1, 1) = 0.
"""

BEALE = Objective(
    name="beale", formula="f = (1.5 - x + xy)² + (2.25 - x + xy²)² + (2.625 - x + xy³)²",
    function=_beale, minima=((3.0, 0.5),), minimum_value=0.0,
    xlim=(-1.0, 4.5), ylim=(-1.5, 2.5), start=(1.0, 1.5))
"""Beale's function f = (1.5 - x + xy)² + (2.25 - x + xy²)² + (2.625 - x + xy³)².

Flat plateaus and steep ridges: the gradient spans many orders of magnitude, which
separates adaptive methods from plain gradient descent. Minimum f(3, 0.5) = 0.
"""

HIMMELBLAU = Objective(
    name="himmelblau", formula="f = (x² + y - 11)² + (x + y² - 7)²", function=_himmelblau,
    minima=((3.0, 2.0), (-2.805118086952745, 3.131312518250573),
            (-3.779310253377747, -3.283185991286170), (3.584428340330492, -1.848126526964404)),
    minimum_value=0.0, xlim=(-5.0, 5.0), ylim=(-5.0, 5.0), start=(-0.3, -0.9))
"""Himmelblau's function f = (x² + y - 11)² + (x + y² - 7)², four minima of value 0.

Minima at (3, 2), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)
(rounded; the registry holds 15 digits); a local maximum near (-0.2708, -0.9230), close to the
default start, so which minimum an optimizer reaches depends on its first steps.
"""

SADDLE = Objective(
    name="saddle", formula="f = x² - y²", function=_saddle,
    minima=(), minimum_value=None, saddle_points=((0.0, 0.0),),
    xlim=(-2.0, 2.0), ylim=(-2.0, 2.0), start=(-1.8, 1e-3))
"""The saddle f(x, y) = x² - y², unbounded below, one stationary point: a saddle at (0, 0).

The default start lies almost on the ridge y = 0, where the gradient along y is tiny
(2 |y|): gradient descent slides into the saddle and lingers there, while methods that
rescale each coordinate (Adam, RMSprop, Adagrad) escape along y almost at once.
"""

RASTRIGIN = Objective(
    name="rastrigin", formula="f = 20 + Σ (xᵢ² - 10 cos 2πxᵢ)", function=_rastrigin,
    minima=((0.0, 0.0),), minimum_value=0.0,
    xlim=(-5.12, 5.12), ylim=(-5.12, 5.12), start=(-2.3, 3.7))
"""Rastrigin's function f = 20 + x² - 10 cos(2πx) + y² - 10 cos(2πy).

A bowl covered in local minima near every integer point; gradient methods stop in the
nearest one, so it shows what "a local minimum" means. Global minimum f(0, 0) = 0.
"""

OBJECTIVES = {objective.name: objective for objective in
              (QUADRATIC, ROSENBROCK, BEALE, HIMMELBLAU, SADDLE, RASTRIGIN)}
"""Every objective by name."""


def get(name):
    """The objective called ``name`` (an ``Objective`` passes through unchanged).

    Raises:
        KeyError: unknown name; the message lists the known ones.
    """
    if isinstance(name, Objective):
        return name
    if name not in OBJECTIVES:
        raise KeyError(f"unknown objective {name!r}; choose one of {sorted(OBJECTIVES)}")
    return OBJECTIVES[name]
