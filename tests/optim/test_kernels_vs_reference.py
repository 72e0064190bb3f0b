"""Each Numba kernel against its NumPy reference: 50 random steps, same state evolution."""
import numpy as np
import pytest

from tinygrad_opt.optim import kernels, reference

SIZE = 257  # odd, so vectorised loops also run their scalar remainder

# (kernel name, state array names, hyper-parameters after the state (and step) arguments)
CASES = [
    ("sgd_update", ["momentum_buffer"], dict(lr=0.05, momentum=0.0, dampening=0.0,
                                             weight_decay=0.0, nesterov=False)),
    ("sgd_update", ["momentum_buffer"], dict(lr=0.05, momentum=0.9, dampening=0.1,
                                             weight_decay=0.01, nesterov=False)),
    ("sgd_update", ["momentum_buffer"], dict(lr=0.05, momentum=0.9, dampening=0.0,
                                             weight_decay=0.01, nesterov=True)),
    ("adagrad_update", ["state_sum"], dict(lr=0.05, lr_decay=0.01, weight_decay=0.1,
                                           eps=1e-10)),
    ("adadelta_update", ["square_avg", "acc_delta"], dict(lr=1.0, rho=0.9, eps=1e-6,
                                                          weight_decay=0.1)),
    ("rmsprop_update", ["square_avg", "grad_avg", "momentum_buffer"],
     dict(lr=0.01, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False)),
    ("rmsprop_update", ["square_avg", "grad_avg", "momentum_buffer"],
     dict(lr=0.01, alpha=0.9, eps=1e-8, weight_decay=0.1, momentum=0.9, centered=True)),
    ("adam_update", ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"],
     dict(lr=1e-2, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0, amsgrad=False,
          decoupled_weight_decay=False)),
    ("adam_update", ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"],
     dict(lr=1e-2, beta1=0.8, beta2=0.99, eps=1e-8, weight_decay=0.1, amsgrad=True,
          decoupled_weight_decay=False)),
    ("adam_update", ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"],
     dict(lr=1e-2, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.1, amsgrad=True,
          decoupled_weight_decay=True)),
    ("adamax_update", ["exp_avg", "exp_inf"], dict(lr=2e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                                                   weight_decay=0.1)),
    ("nadam_update", ["exp_avg", "exp_avg_sq"], dict(lr=2e-3, beta1=0.9, beta2=0.999,
                                                     eps=1e-8, weight_decay=0.1,
                                                     momentum_decay=4e-3)),
]
STEPPED = {"adagrad_update", "adam_update", "adamax_update", "nadam_update"}


def run(module, name, states, options, dtype, seed):
    """50 steps of rule ``name`` from ``module``; returns (param, state arrays, mu_product)."""
    rng = np.random.default_rng(seed)
    param = rng.standard_normal(SIZE).astype(dtype)
    arrays = {state: np.zeros(SIZE, dtype=dtype) for state in states}
    mu_product = 1.0
    for step in range(1, 51):
        grad = rng.standard_normal(SIZE).astype(dtype)
        args = [param, grad] + [arrays[state] for state in states]
        if name in STEPPED:
            args.append(float(step))
        if name == "nadam_update":
            args.append(mu_product)
        if name == "sgd_update":
            args += list(options.values()) + [step == 1]
        else:
            args += list(options.values())
        result = getattr(module, name)(*args)
        if name == "nadam_update":
            mu_product = result if module is kernels else result["mu_product"]
    return param, arrays, mu_product


@pytest.mark.parametrize("name, states, options", CASES,
                         ids=[f"{case[0]}-{i}" for i, case in enumerate(CASES)])
def test_kernel_matches_reference_float64(name, states, options):
    ours, our_arrays, our_mu = run(kernels, name, states, options, np.float64, seed=1)
    truth, true_arrays, true_mu = run(reference, name, states, options, np.float64, seed=1)
    np.testing.assert_allclose(ours, truth, rtol=1e-12, atol=1e-12)
    for state in states:
        np.testing.assert_allclose(our_arrays[state], true_arrays[state], rtol=1e-12, atol=1e-12)
    assert our_mu == true_mu
    assert not np.allclose(ours, run(kernels, name, states, options, np.float64, seed=2)[0])


@pytest.mark.parametrize("name, states, options", CASES,
                         ids=[f"{case[0]}-{i}" for i, case in enumerate(CASES)])
def test_kernel_matches_reference_float32_and_stays_float32(name, states, options):
    ours, our_arrays, _ = run(kernels, name, states, options, np.float32, seed=3)
    truth, _, _ = run(reference, name, states, options, np.float32, seed=3)
    exact, _, _ = run(reference, name, states, options, np.float64, seed=3)
    assert ours.dtype == np.float32
    assert all(array.dtype == np.float32 for array in our_arrays.values())
    np.testing.assert_allclose(ours, truth, rtol=1e-6, atol=1e-6)
    # float32 rounding, not a float64 computation in disguise, nor a different rule
    np.testing.assert_allclose(ours, exact, rtol=1e-3, atol=1e-4)


def test_float32_kernel_rounds_every_operation_to_float32():
    f32 = np.float32
    param = np.zeros(1, f32)
    kernels.adam_update(param, np.ones(1, f32), np.zeros(1, f32), np.zeros(1, f32),
                        np.zeros(0, f32), 1.0, 1e-3, 0.9, 0.999, 1e-8, 0.0, False, False)
    # scalars are formed in float64, cast once; then every operation is float32
    step_size, bc2_sqrt = f32(1e-3 / (1.0 - 0.9)), f32((1.0 - 0.999) ** 0.5)
    exp_avg, exp_avg_sq = f32(0.1) * f32(1.0), f32(1e-3) * f32(1.0) * f32(1.0)
    expected = f32(0.0) - step_size * exp_avg / (np.sqrt(exp_avg_sq) / bc2_sqrt + f32(1e-8))
    in_float64 = 0.0 - 1e-3 / (1.0 - 0.9) * 0.1 / (1e-3 ** 0.5 / (1.0 - 0.999) ** 0.5 + 1e-8)
    assert param[0] == expected
    assert param[0] != f32(in_float64)
