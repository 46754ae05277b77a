"""Makes the PyTorch reference fixtures for GraphTests/ImageLayerReferenceTests.swift, once.

Run from the repository root with a Python that has torch and numpy (see ../shared/bench/README.md):
    python Tests/GraphTests/TorchFixtures/make_image_layer_fixtures.py
It writes float32 .npy files beside itself, images NHWC as runexp holds them. The Swift tests need
no Python.
"""
import os
import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(1)


def save(prefix, **arrays):
    for name, value in arrays.items():
        array = value.detach().numpy() if isinstance(value, torch.Tensor) else value
        np.save(os.path.join(HERE, f"{prefix}_{name}.npy"), np.ascontiguousarray(array, dtype=np.float32))


def nhwc(t):
    return t.permute(0, 2, 3, 1)


def module_case(prefix, module, x):
    """y = module(x) and dx for a random dy; x NCHW."""
    x = x.clone().requires_grad_(True)
    y = module(x)
    dy = torch.randn_like(y)
    y.backward(dy)
    save(prefix, x=nhwc(x), y=nhwc(y), dy=nhwc(dy), dx=nhwc(x.grad))


module_case("upsample_nearest2", nn.Upsample(scale_factor=2, mode="nearest"), torch.randn(2, 3, 4, 5))
module_case("upsample_nearest3", nn.Upsample(scale_factor=3, mode="nearest"), torch.randn(1, 2, 3, 2))
module_case(
    "upsample_bilinear2", nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False), torch.randn(2, 3, 4, 5))
module_case(
    "upsample_bilinear3", nn.Upsample(scale_factor=3, mode="bilinear", align_corners=False), torch.randn(1, 2, 3, 2))
# Small whole numbers: many windows hold their maximum twice, which tests the first-maximum rule.
module_case("max_pool_k2s2", nn.MaxPool2d(2, stride=2), torch.randint(0, 3, (2, 3, 6, 7)).float())
module_case("max_pool_k3s2", nn.MaxPool2d(3, stride=2), torch.randint(0, 3, (2, 2, 7, 6)).float())
module_case("avg_pool_k2s2", nn.AvgPool2d(2, stride=2), torch.randn(2, 3, 6, 7))
module_case("avg_pool_k3s2", nn.AvgPool2d(3, stride=2), torch.randn(2, 2, 7, 6))


def affine_case(prefix, module, x, layout):
    """A normalization with random weight and bias: also dweight and dbias, in runexp's `layout`."""
    with torch.no_grad():
        module.weight.copy_(torch.randn_like(module.weight))
        module.bias.copy_(torch.randn_like(module.bias))
    x = x.clone().requires_grad_(True)
    y = module(x)
    dy = torch.randn_like(y)
    y.backward(dy)
    save(prefix, x=nhwc(x), y=nhwc(y), dy=nhwc(dy), dx=nhwc(x.grad), weight=layout(module.weight),
         bias=layout(module.bias), dweight=layout(module.weight.grad), dbias=layout(module.bias.grad))


same = lambda t: t
chw_to_hwc = lambda t: t.permute(1, 2, 0)
affine_case("group_norm_g3", nn.GroupNorm(3, 6, eps=1e-5), torch.randn(2, 6, 4, 5) * 2 + 1, same)
affine_case("group_norm_g1", nn.GroupNorm(1, 4, eps=1e-3), torch.randn(3, 4, 3, 3), same)
affine_case("layer_norm", nn.LayerNorm([3, 4, 5], eps=1e-5), torch.randn(2, 3, 4, 5) * 2 - 1, chw_to_hwc)
print("normalization fixtures written to", HERE)
