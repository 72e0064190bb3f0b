"""explain(): formulas that match the numbers beside them, and readable float32 values."""
import numpy as np
import pytest

from tinygrad_opt import Tensor, optim


def _explained(cls, values, grads, **options):
    param = Tensor(np.array(values), requires_grad=True)
    opt = cls([param], **options)
    param.grad = np.array(grads, dtype=param.data.dtype)
    return opt.explain(param, 0), param, opt


def _formula(explanation, name):
    return next(formula for step, _, formula in explanation.steps if step == name)


def test_adamw_shows_the_undecayed_gradient_and_its_decay_on_param():
    explanation, param, opt = _explained(optim.AdamW, [2.0, 1.0], [4.0, 1.0], weight_decay=0.1)
    assert "decayed_grad" not in explanation.names()
    assert explanation["plain_grad"] == 4.0
    assert explanation["decoupled_param"] == pytest.approx(2.0 * (1 - 0.001 * 0.1))
    expected = (explanation["decoupled_param"]
                - explanation["step_size"] * explanation["exp_avg"] / explanation["denom"])
    assert explanation["param"] == pytest.approx(expected, rel=1e-15)
    opt.step()
    assert explanation["param"] == param.data[0]


def test_rmsprop_momentum_buffer_formula_is_rmsprop_s_not_sgd_s():
    explanation, _, _ = _explained(optim.RMSprop, [2.0], [4.0], momentum=0.9, alpha=0.9)
    assert _formula(explanation, "momentum_buffer") == "b = momentum * b + g / avg"
    assert explanation["momentum_buffer"] == pytest.approx(4.0 / explanation["avg"])
    assert _formula(explanation, "square_avg") == "v = alpha * v + (1 - alpha) * g^2"
    assert explanation["square_avg"] == pytest.approx(0.1 * 16.0)


def test_adadelta_formulas_name_its_own_options():
    explanation, _, _ = _explained(optim.Adadelta, [2.0], [4.0], rho=0.5)
    assert _formula(explanation, "square_avg") == "v = rho * v + (1 - rho) * g^2"
    assert _formula(explanation, "std_delta") == "rms_delta = sqrt(acc_delta + eps)"
    assert explanation["square_avg"] == pytest.approx(0.5 * 16.0)


def test_float32_values_print_with_float32_digits():
    explanation, _, _ = _explained(optim.Adam, np.array([0.49], np.float32), [1.0], lr=0.01)
    text = str(explanation)
    assert "param                  = 0.49\n" in text
    assert "0.49000000953674316" not in text
    assert explanation["param"].dtype == np.float32
    assert "step is the number of this update (1 = first)" in explanation.title


def test_sgd_title_does_not_mention_a_step_count():
    explanation, _, _ = _explained(optim.SGD, [1.0], [1.0], lr=0.1)
    assert "step is" not in explanation.title
    assert "lr           = 0.1\n" in str(explanation)


@pytest.mark.parametrize("index", [(5, 0), (1,), 6, -1])
def test_an_index_outside_the_parameter_is_an_index_error_naming_the_shape(index):
    param = Tensor(np.ones((2, 3)), requires_grad=True)
    opt = optim.SGD([param], lr=0.1)
    param.grad = np.ones((2, 3))
    with pytest.raises(IndexError, match=r"shape \(2, 3\)"):  # (5, 0) was 'invalid entry'
        opt.explain(param, index)


def test_zero_d_parameter_and_maximize_are_explained():
    param = Tensor(np.float64(2.0), requires_grad=True)
    opt = optim.SGD([param], lr=0.1, maximize=True)
    param.grad = np.array(4.0)
    explanation = opt.explain(param, ())
    assert explanation["grad"] == -4.0 and "maximize: grad is -param.grad" in explanation.title
    opt.step()
    assert explanation["param"] == param.data == 2.4
