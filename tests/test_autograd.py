"""The graph walk shared by backward, trace, gradcheck and viz: parents and topological order."""
import numpy as np

import tinygrad_opt as tg
from tinygrad_opt import autograd


def _ids(nodes):
    return [id(node) for node in nodes]


def _graph():
    x = tg.Tensor(np.ones((2, 3)))                      # data: a constant leaf
    W = tg.Tensor(np.ones((3, 4)), requires_grad=True)
    b = tg.Tensor(np.zeros(4), requires_grad=True)
    h = x @ W
    return x, W, b, h, h + b


def test_parents_are_the_inputs_of_the_op_and_empty_for_a_leaf():
    x, W, b, h, out = _graph()
    assert _ids(autograd.parents(out)) == _ids([h, b])
    assert _ids(autograd.parents(h)) == _ids([x, W])
    assert autograd.parents(W) == ()


def test_topological_order_is_the_forward_order_with_constants_only_when_asked():
    x, W, b, h, out = _graph()
    assert _ids(autograd.topological_order(out)) == _ids([W, h, b, out])
    assert _ids(autograd.topological_order(out, constants=True)) == _ids([x, W, h, b, out])


def test_a_node_used_twice_appears_once_after_its_inputs():
    w = tg.Tensor([1.0, 2.0], requires_grad=True)
    square = w * w
    out = square + square
    assert _ids(autograd.topological_order(out)) == _ids([w, square, out])
    out.sum().backward()
    np.testing.assert_array_equal(w.grad, [4.0, 8.0])
