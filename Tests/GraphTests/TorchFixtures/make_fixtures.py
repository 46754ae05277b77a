"""Makes the PyTorch reference fixtures for GraphTests/TorchReferenceTests.swift, once.

Run from the repository root with a Python that has torch and numpy (see ../shared/bench/README.md):
    python Tests/GraphTests/TorchFixtures/make_fixtures.py
It writes float32 .npy files beside itself, all in runexp's layouts: images NHWC, conv2d weights
[KH, KW, Cin, Cout], conv2d_transpose weights [Cin, KH, KW, Cout]. The Swift tests need no Python.
"""
import os
import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(0)


def save(prefix, **arrays):
    for name, value in arrays.items():
        array = value.detach().numpy() if isinstance(value, torch.Tensor) else value
        np.save(os.path.join(HERE, f"{prefix}_{name}.npy"), np.ascontiguousarray(array, dtype=np.float32))


def nhwc(t):
    return t.permute(0, 2, 3, 1)


def conv2d_case(prefix, n, h, w, cin, cout, k, stride, padding):
    x = torch.randn(n, cin, h, w, requires_grad=True)
    weight = torch.randn(cout, cin, k, k, requires_grad=True)
    bias = torch.randn(cout, requires_grad=True)
    y = F.conv2d(x, weight, bias, stride=stride, padding=padding)
    dy = torch.randn_like(y)
    y.backward(dy)
    save(prefix, x=nhwc(x), weight=weight.permute(2, 3, 1, 0), bias=bias, y=nhwc(y), dy=nhwc(dy),
         dx=nhwc(x.grad), dweight=weight.grad.permute(2, 3, 1, 0), dbias=bias.grad)


def conv2d_transpose_case(prefix, n, h, w, cin, cout, k, stride, padding, output_padding):
    x = torch.randn(n, cin, h, w, requires_grad=True)
    weight = torch.randn(cin, cout, k, k, requires_grad=True)
    bias = torch.randn(cout, requires_grad=True)
    y = F.conv_transpose2d(x, weight, bias, stride=stride, padding=padding, output_padding=output_padding)
    dy = torch.randn_like(y)
    y.backward(dy)
    save(prefix, x=nhwc(x), weight=weight.permute(0, 2, 3, 1), bias=bias, y=nhwc(y), dy=nhwc(dy),
         dx=nhwc(x.grad), dweight=weight.grad.permute(0, 2, 3, 1), dbias=bias.grad)


def batch_norm_case(prefix, n, h, w, c):
    x = torch.randn(n, c, h, w, requires_grad=True) * 3 + 1
    x.retain_grad()
    gamma = torch.randn(c, requires_grad=True)
    beta = torch.randn(c, requires_grad=True)
    running_mean = torch.zeros(c)
    running_var = torch.ones(c)
    y = F.batch_norm(x, running_mean, running_var, gamma, beta, training=True, momentum=0.1, eps=1e-5)
    dy = torch.randn_like(y)
    y.backward(dy)
    save(prefix, x=nhwc(x), gamma=gamma, beta=beta, y=nhwc(y), dy=nhwc(dy), dx=nhwc(x.grad),
         dgamma=gamma.grad, dbeta=beta.grad, running_mean=running_mean, running_var=running_var)


def bce_logits_case(prefix, n):
    logits = (torch.randn(n, 1) * 30).requires_grad_(True)
    targets = torch.rand(n, 1)
    loss = F.binary_cross_entropy_with_logits(logits, targets)
    loss.backward()
    save(prefix, logits=logits, targets=targets, loss=loss.reshape(1), dlogits=logits.grad)


conv2d_case("conv2d_s2p1", 2, 7, 6, 3, 4, 3, 2, 1)
conv2d_case("conv2d_s1p0", 2, 5, 5, 2, 3, 3, 1, 0)
conv2d_transpose_case("conv2d_transpose_s2p1op1", 2, 4, 3, 4, 3, 3, 2, 1, 1)
conv2d_transpose_case("conv2d_transpose_s3p0", 1, 3, 3, 2, 2, 4, 3, 0, 0)
batch_norm_case("batch_norm", 4, 3, 3, 5)
bce_logits_case("bce_logits", 64)
print("fixtures written to", HERE)
