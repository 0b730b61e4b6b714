#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Makes the golden files the trainer's tests compare against: a small
Sheath U-Net with random weights and batch-norm parameters, a batch, the loss
(weighted cross-entropy + soft Dice), every gradient, and the weights and
running statistics after three AdamW steps. Run with Debian's python3-torch:
python3 tests/golden/make-train-golden.py"""

import os
import sys

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
from sheath_unet import SheathUNet, metadata, save_safetensors, state_dict_for_safetensors  # noqa: E402

DEPTH, BASE, SIZE, BATCH, STEPS = 2, 4, 32, 2, 3
LR, BETAS, EPS, WD = 1e-2, (0.9, 0.999), 1e-8, 0.01
CLASS_WEIGHTS = torch.tensor([1.0, 2.0, 1.5])


def loss_of(logits, t, w):
    p = torch.softmax(logits, dim=1)
    ce = F.cross_entropy(logits, t, weight=w)
    onehot = F.one_hot(t, logits.shape[1]).permute(0, 3, 1, 2).float()
    inter = (p * onehot).sum((0, 2, 3))
    dice = (2 * inter + 1) / (p.sum((0, 2, 3)) + onehot.sum((0, 2, 3)) + 1)
    return ce + 1 - (w * dice).sum() / w.sum()


def main():
    torch.manual_seed(5)
    net = SheathUNet(depth=DEPTH, base=BASE)
    with torch.no_grad():
        for name, p in net.named_parameters():
            if name.endswith("bn1.weight") or name.endswith("bn2.weight"):
                p.copy_(1 + 0.2 * torch.randn(p.shape))
            elif "bn" in name:
                p.copy_(0.1 * torch.randn(p.shape))
        for name, b in net.named_buffers():
            if name.endswith("running_mean"):
                b.copy_(0.05 * torch.randn(b.shape))
            elif name.endswith("running_var"):
                b.copy_(1 + 0.1 * torch.rand(b.shape))
    net.train()
    save_safetensors(os.path.join(HERE, "train-golden-init.safetensors"), state_dict_for_safetensors(net),
                     metadata(net, 0.1, "SEM", "trainer golden test: random weights"))

    x = torch.randn(BATCH, 1, SIZE, SIZE)
    # blocky targets so that every class has regions, as masks do
    t = torch.randint(0, 3, (BATCH, SIZE // 4, SIZE // 4)).repeat_interleave(4, 1).repeat_interleave(4, 2)

    decay = [p for n, p in net.named_parameters() if n.endswith("weight") and p.dim() > 1]
    other = [p for n, p in net.named_parameters() if not (n.endswith("weight") and p.dim() > 1)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": WD}, {"params": other, "weight_decay": 0.0}],
                            lr=LR, betas=BETAS, eps=EPS)

    out = {"input": x[:, 0].contiguous(), "targets": t.float()}
    losses = []
    for step in range(STEPS):
        opt.zero_grad()
        loss = loss_of(net.logits(x), t, CLASS_WEIGHTS)
        loss.backward()
        losses.append(loss.item())
        if step == 0:
            for n, p in net.named_parameters():
                out["grad." + n] = p.grad.detach().clone()
            for n, b in net.named_buffers():
                if not n.endswith("num_batches_tracked"):
                    out["after1." + n] = b.detach().clone()
        opt.step()
    for n, v in state_dict_for_safetensors(net).items():
        out["final." + n] = v
    out["losses"] = torch.tensor(losses)
    save_safetensors(os.path.join(HERE, "train-golden-steps.safetensors"), out,
                     {"batch": str(BATCH), "size": str(SIZE), "steps": str(STEPS), "lr": repr(LR),
                      "weight_decay": repr(WD), "class_weights": ",".join(str(v) for v in CLASS_WEIGHTS.tolist()),
                      "torch": torch.__version__})
    print("losses", losses)


if __name__ == "__main__":
    main()
