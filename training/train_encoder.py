"""Contrastive encoder + classifier training on (face, reference) pairs.

Generators are frozen and their references are precomputed once per image (they are the
expensive part on a CPU); for every sample of every batch a generator variant is drawn at
random, so the shipped encoder/classifier work with whichever variant the server swaps in.
Face and reference get the SAME random flip/shift/rotation so they stay aligned."""

import numpy as np
import torch
import torch.nn.functional as F

from .common import cpu_state, device, log, to_tensor
from .data import augment, batches
from .losses import supcon
from .models import Classifier, ContrastiveEncoder, encoder_from

SUPCON_WEIGHT = 0.2
LABEL_SMOOTHING = 0.1


def _refs_for(idx, faces, refs: dict, names: list, rng):
    """Pick one reference per sample from the variants in `names` ('identity' = the face)."""
    choice = rng.randint(0, len(names), len(idx))
    ref = faces.clone()
    for k, name in enumerate(names):
        sel = np.where(choice == k)[0]
        if name != "identity" and len(sel):
            ref[sel] = torch.from_numpy(refs[name][idx[sel]])
    return ref


def _balanced_order(y, rng) -> np.ndarray:
    """One epoch's sample order, every class drawn equally often (same epoch length)."""
    y = np.asarray(y)
    counts = np.bincount(y)
    p = 1.0 / counts[y]
    return rng.choice(len(y), size=len(y), replace=True, p=p / p.sum())


def encoder_only(state: dict) -> dict:
    """A trained encoder (weights and size) as `init` for fine-tuning with a new classifier head."""
    return {"encoder": state["encoder"], "arch": state.get("arch")}


def train_encoder(x_u8, y, refs: dict, n_classes: int, epochs: int, init: dict = None,
                  bs: int = 128, lr: float = 2e-3, wd: float = 5e-4, variants=None,
                  eval_fn=None, seed: int = 0, tag: str = "enc", balanced: bool = False,
                  aug: dict = None, width: int = None):
    """x_u8 uint8 [N,48,48], y int [N], refs {variant: float32 [N,1,48,48]}.
    init: {'encoder': state, 'classifier': state} to fine-tune from (classifier optional).
    balanced: draw each epoch's samples class-balanced (with replacement), for small, skewed
    sets such as CK+ (contempt has a quarter of surprise's images).
    aug: keyword overrides for data.augment (rotation, shift, scale, flip).
    width: the encoder CNN's base width (default 16, sized for 2 CPU cores); a fine-tuned encoder
    keeps the size of `init`. Runs on data.device() (a GPU when there is one).
    eval_fn(enc, cls, epoch) -> str is called after each epoch for logging only."""
    rng = np.random.RandomState(seed)
    variants = variants or ["identity"] + sorted(refs)
    dev = device()
    if init:
        enc = encoder_from(init)
    else:
        enc = ContrastiveEncoder(**({"w": width} if width else {}))
    cls = Classifier(n_classes)
    if init and init.get("classifier") is not None:
        cls.load_state_dict(init["classifier"])
    enc, cls = enc.to(dev), cls.to(dev)
    params = list(enc.parameters()) + list(cls.parameters())
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=wd)
    steps_per_epoch = max(len(y) // bs, 1)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=epochs * steps_per_epoch,
                                                pct_start=0.15)
    yt = torch.from_numpy(np.asarray(y, np.int64)).to(dev)
    for ep in range(1, epochs + 1):
        enc.train()
        cls.train()
        tot = n = correct = 0
        order = _balanced_order(y, rng) if balanced else None
        for idx in batches(len(y), bs, order=order):
            face = to_tensor(x_u8[idx])
            ref = _refs_for(idx, face, refs, variants, rng)
            face, ref = augment(face.to(dev), ref.to(dev), **(aug or {}))
            emb = enc(face, ref)
            logits = cls(emb)
            target = yt[idx]
            loss = F.cross_entropy(logits, target, label_smoothing=LABEL_SMOOTHING) \
                + SUPCON_WEIGHT * supcon(emb, target)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            tot += loss.item() * len(idx)
            n += len(idx)
            correct += (logits.argmax(1) == target).sum().item()
        msg = f"{tag} epoch {ep}/{epochs} loss={tot / max(n, 1):.4f} train_acc={correct / max(n, 1):.4f}"
        if eval_fn is not None:
            msg += " " + eval_fn(enc, cls, ep)
        log(msg)
    enc.eval()
    cls.eval()
    return {"encoder": cpu_state(enc), "classifier": cpu_state(cls), "arch": dict(enc.arch)}


@torch.no_grad()
def predict(state: dict, n_classes: int, x_u8, ref, bs: int = 512) -> np.ndarray:
    """Logits for faces x_u8 with reference array `ref` (float32 [N,1,48,48]) or None (=face)."""
    dev = device()
    enc, cls = encoder_from(state), Classifier(n_classes)
    cls.load_state_dict(state["classifier"])
    enc, cls = enc.to(dev).eval(), cls.to(dev).eval()
    out = []
    for i in range(0, len(x_u8), bs):
        f = to_tensor(x_u8[i:i + bs])
        r = f if ref is None else torch.from_numpy(ref[i:i + bs])
        out.append(cls(enc(f.to(dev), r.to(dev))).cpu().numpy())
    return np.concatenate(out)
