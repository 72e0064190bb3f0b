"""Differentiable ops as small Function classes working on NumPy arrays (never on Tensors)."""
