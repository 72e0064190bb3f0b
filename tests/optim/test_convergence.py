"""Every optimizer reaches the minimum of an ill-conditioned quadratic and of Rosenbrock.

Gradients are set by hand from the analytic formulas, so only the optimizers are tested.
"""
import numpy as np
import pytest

from tinygrad_opt import optim
from tinygrad_opt.tensor import Tensor


def quadratic_grad(point):
    """f(x, y) = (x^2 + 100 y^2) / 2 (condition number 100), minimum at (0, 0)."""
    x, y = point
    return np.array([x, 100.0 * y])


def rosenbrock_grad(point):
    """f(x, y) = (1 - x)^2 + 100 (y - x^2)^2, minimum at (1, 1)."""
    x, y = point
    return np.array([-2.0 * (1.0 - x) - 400.0 * x * (y - x * x), 200.0 * (y - x * x)])


# (optimizer, options, steps, tolerance on the distance to the minimum)
QUADRATIC = [
    ("SGD", dict(lr=1e-2), 3000, 1e-6),
    ("SGD", dict(lr=5e-3, momentum=0.9), 3000, 1e-6),
    ("SGD", dict(lr=5e-3, momentum=0.9, nesterov=True), 3000, 1e-6),
    ("Adagrad", dict(lr=0.5), 3000, 1e-6),
    ("Adadelta", dict(lr=1.0), 5000, 5e-2),
    ("RMSprop", dict(lr=1e-3), 5000, 1e-3),
    ("RMSprop", dict(lr=1e-3, momentum=0.9, centered=True), 5000, 1e-3),
    ("Adam", dict(lr=2e-2), 3000, 1e-6),
    ("Adam", dict(lr=2e-2, amsgrad=True), 3000, 1e-6),
    ("AdamW", dict(lr=2e-2), 3000, 1e-6),
    ("Adamax", dict(lr=5e-2), 3000, 1e-6),
    ("NAdam", dict(lr=2e-2), 3000, 1e-6),
]
ROSENBROCK = [
    ("SGD", dict(lr=1e-3, momentum=0.9), 5000, 1e-3),
    ("SGD", dict(lr=1e-3, momentum=0.9, nesterov=True), 5000, 1e-3),
    ("Adagrad", dict(lr=1.0), 8000, 2e-2),
    ("Adadelta", dict(lr=1.0), 5000, 0.6),
    ("RMSprop", dict(lr=1e-3), 8000, 1e-2),
    ("RMSprop", dict(lr=3e-3, centered=True), 8000, 1e-2),
    ("Adam", dict(lr=2e-2), 5000, 1e-3),
    ("Adam", dict(lr=2e-2, amsgrad=True), 5000, 1e-3),
    ("AdamW", dict(lr=2e-2, weight_decay=0.0), 5000, 1e-3),
    ("Adamax", dict(lr=5e-2), 5000, 1e-3),
    ("NAdam", dict(lr=5e-3), 8000, 1e-2),
]


def minimise(name, options, grad_fn, start, steps):
    point = Tensor(np.array(start), requires_grad=True)
    optimizer = getattr(optim, name)([point], **options)
    for _ in range(steps):
        point.grad = grad_fn(point.data)
        optimizer.step()
    return point.data


@pytest.mark.parametrize("name, options, steps, tolerance", QUADRATIC)
def test_reaches_minimum_of_ill_conditioned_quadratic(name, options, steps, tolerance):
    final = minimise(name, options, quadratic_grad, [3.0, 2.0], steps)
    assert np.abs(final).max() < tolerance


@pytest.mark.parametrize("name, options, steps, tolerance", ROSENBROCK)
def test_approaches_minimum_of_rosenbrock(name, options, steps, tolerance):
    start = np.array([-1.5, 2.0])
    final = minimise(name, options, rosenbrock_grad, start, steps)
    assert np.abs(final - 1.0).max() < min(tolerance, np.abs(start - 1.0).max())
