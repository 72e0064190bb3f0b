"""Property: for any broadcastable pair of shapes, each input's gradient of sum(a op b)
has the input's shape and equals the finite-difference gradient."""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_opt as tg
from tinygrad_opt.functions._broadcast import unbroadcast


@settings(max_examples=60, deadline=None)
@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3),
       op=st.sampled_from(["add", "sub", "mul", "div"]), seed=st.integers(0, 2**16))
def test_broadcast_gradients_have_input_shapes_and_are_correct(shapes, op, seed):
    rng = np.random.default_rng(seed)
    shape_a, shape_b = shapes.input_shapes
    a = tg.Tensor(rng.uniform(0.5, 1.5, shape_a), requires_grad=True)
    b = tg.Tensor(rng.uniform(0.5, 1.5, shape_b), requires_grad=True)
    fn = {"add": lambda x, y: x + y, "sub": lambda x, y: x - y,
          "mul": lambda x, y: x * y, "div": lambda x, y: x / y}[op]
    (fn(a, b) * tg.Tensor(rng.normal(size=shapes.result_shape))).sum().backward()
    assert a.grad.shape == shape_a and b.grad.shape == shape_b
    assert tg.gradcheck(lambda x, y: fn(x, y).sum(), [a, b])


@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=1, max_dims=4, max_side=4))
def test_unbroadcast_sums_to_the_input_shape(shapes):
    (shape,) = shapes.input_shapes
    grad = np.ones(shapes.result_shape)
    reduced = unbroadcast(grad, shape)
    assert reduced.shape == shape
    assert reduced.sum() == grad.sum()
