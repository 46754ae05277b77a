"""Makes the PyTorch reference fixtures for GraphTests/ResidualTests.swift, once: pythae 0.1.2's
own ResBlock (ReLU, 3×3 conv, ReLU, 1×1 conv, plus the input), the block of its CelebA nets.

Run from the repository root with a Python that has torch, numpy and pythae:
    ~/.venv-torch/bin/python Tests/GraphTests/TorchFixtures/make_residual_fixtures.py
It writes float32 .npy files beside itself: images NHWC and convolution weights [k, k, in, out], as
runexp holds them. The Swift tests need no Python.
"""
import os

import numpy as np
import torch
from pythae.models.nn.benchmarks.utils import ResBlock

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(3)


def save(prefix, **arrays):
    for name, value in arrays.items():
        array = value.detach().numpy() if isinstance(value, torch.Tensor) else value
        np.save(os.path.join(HERE, f"{prefix}_{name}.npy"), np.ascontiguousarray(array, dtype=np.float32))


def nhwc(t):
    return t.permute(0, 2, 3, 1)


def kkio(weight):
    """PyTorch's [out, in, k, k] as runexp's [k, k, in, out]."""
    return weight.permute(2, 3, 1, 0)


block = ResBlock(in_channels=6, out_channels=4)
x = torch.randn(2, 6, 5, 4, requires_grad=True)
y = block(x)
dy = torch.randn_like(y)
y.backward(dy)
first, second = block.conv_block[1], block.conv_block[3]
save(
    "residual", x=nhwc(x), y=nhwc(y), dy=nhwc(dy), dx=nhwc(x.grad),
    weight1=kkio(first.weight), bias1=first.bias, weight3=kkio(second.weight), bias3=second.bias,
    dweight1=kkio(first.weight.grad), dbias1=first.bias.grad, dweight3=kkio(second.weight.grad),
    dbias3=second.bias.grad)
print("residual fixtures written to", HERE)
