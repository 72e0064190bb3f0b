"""trace_backward records each node backward visits, with the gradients it passes on."""
import numpy as np
import pytest

import tinygrad_opt as tg
from tinygrad_opt import autograd, nn


def test_records_nodes_in_visiting_order_with_upstream_and_input_gradients():
    w = tg.Tensor([2.0, -1.0], requires_grad=True)
    x = tg.Tensor([3.0, 4.0])
    with tg.trace_backward(labels={w: "w", x: "x"}) as trace:
        (w * x).sum().backward()
    expected = [("Sum#1", "Sum"), ("Mul#1", "Mul"), ("w", "input")]
    assert [(s.name, s.op) for s in trace] == expected
    total, product, leaf = trace
    np.testing.assert_array_equal(total.upstream, 1.0)
    np.testing.assert_array_equal(product.upstream, [1.0, 1.0])
    assert product.input_names == ("w", "x")
    np.testing.assert_array_equal(product.input_grads[0], [3.0, 4.0])
    assert product.input_grads[1] is None
    assert leaf.is_leaf and leaf.input_grads == ()
    np.testing.assert_array_equal(leaf.upstream, w.grad)


def test_chain_rule_is_visible_step_by_step():
    x = tg.Tensor(0.5, requires_grad=True, dtype=np.float64)
    with tg.trace_backward() as trace:
        (x * x).tanh().backward()
    tanh_step, square_step, _ = trace
    local = 1 - np.tanh(0.25) ** 2
    assert tanh_step.input_grads[0] == pytest.approx(local)
    assert square_step.upstream == pytest.approx(local)
    assert x.grad == pytest.approx(local * 2 * 0.5)


def test_backward_visits_the_forward_order_reversed_with_module_names():
    tg.manual_seed(0)
    model = nn.Sequential(nn.Dense(3, 4), nn.ReLU(), nn.Dense(4, 2))
    X = tg.Tensor(np.ones((5, 3)))
    with tg.trace_backward(model) as trace:
        nn.functional.cross_entropy(model(X), np.array([0, 1, 0, 1, 1])).backward()
    names = [step.name for step in trace]
    # inside a trace Sequential does not fuse Dense + ReLU: every textbook step shows
    assert names == ["CrossEntropy#1", "Linear#2", "layers.2.bias", "layers.2.weight",
                     "ReLU#1", "Linear#1", "layers.0.bias", "layers.0.weight"]


def test_table_lists_every_step_and_the_gradients_sent():
    w = tg.Tensor([2.0, -1.0], requires_grad=True)
    with tg.trace_backward(labels={w: "w"}) as trace:
        (w * 3.0).sum().backward()
    table = str(trace)
    assert "Sum#1" in table and "Mul#1" in table and "accumulated into .grad" in table
    assert "[3 3]" in table
    assert len(table.splitlines()) == 2 + 1 + 2 + 1  # header, rule, Sum, Mul x2, leaf


def test_observer_is_removed_after_the_block_even_on_error():
    before = list(autograd.backward_observers)
    with pytest.raises(ZeroDivisionError):
        with tg.trace_backward():
            1 / 0
    assert autograd.backward_observers == before
    w = tg.Tensor([1.0], requires_grad=True)
    with tg.trace_backward() as trace:
        pass
    (w * 2).sum().backward()
    assert len(trace) == 0


def test_gradients_are_unchanged_by_tracing():
    a = tg.Tensor([1.0, 2.0], requires_grad=True)
    b = tg.Tensor([1.0, 2.0], requires_grad=True)
    (a.exp() * a).sum().backward()
    with tg.trace_backward():
        (b.exp() * b).sum().backward()
    np.testing.assert_array_equal(a.grad, b.grad)


def test_a_trace_repr_is_its_table():
    w = tg.Tensor([1.0, 2.0], requires_grad=True)
    with tg.trace_backward(labels={w: "w"}) as trace:
        (w * w).sum().backward()
    assert repr(trace) == str(trace) and repr(trace).startswith("#  node")


def test_small_gradients_keep_four_significant_digits_and_scalars_print_bare():
    from tinygrad_opt.trace import format_values
    assert format_values(np.array([1e-6, -2.5e-7])) == "[1e-06 -2.5e-07]"  # was [ 0. -0.]
    assert format_values(np.array([[1234.5678, 0.5]])) == "[1235 0.5]"
    assert format_values(np.array(1.0)) == "1"
    assert format_values(np.zeros((3, 2))) == "(3, 2) ‖g‖=0"
    w = tg.Tensor(np.array([1e-3, 2.0]), requires_grad=True)
    with tg.trace_backward(labels={w: "w"}) as trace:
        (w * w * 1e-3).sum().backward()
    assert trace[-1].name == "w" and "[2e-06 0.004]" in str(trace).splitlines()[-1]


def test_sequential_fuses_dense_relu_outside_a_trace_only():
    tg.manual_seed(0)
    model = nn.Sequential(nn.Dense(3, 4), nn.ReLU(), nn.Dense(4, 2))
    X = tg.Tensor(np.ones((5, 3)))
    fused = model(X)
    with tg.trace_backward(model):
        unfused = model(X)
    assert type(fused._ctx).__name__ == "Linear"
    assert type(fused._ctx.parents[0]._ctx).__name__ == "LinearReLU"
    assert type(unfused._ctx.parents[0]._ctx).__name__ == "ReLU"
    np.testing.assert_array_equal(fused.data, unfused.data)
