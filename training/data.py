"""Data loading: FER2013 folders, CK+48 peak frames paired with their CK+ neutral frame,
subject-independent folds, and batch augmentation done on tensors (cheap on 2 cores).

Everything is decoded once into uint8 arrays (FER2013 train is ~66 MB) and cached outside
the repository, so epochs never touch the JPEG decoder again."""
import csv
import math
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from .common import CK_CLASSES, FER_CLASSES, cache_dir, canonical, data_root, log


def _load_grey(path: Path) -> np.ndarray:
    im = Image.open(path).convert("L")
    if im.size != (48, 48):  # all shipped crops are 48x48; be robust anyway
        im = im.resize((48, 48), Image.BILINEAR)
    return np.asarray(im, dtype=np.uint8)


@dataclass
class FerSplit:
    x: np.ndarray  # uint8 [N,48,48]
    y: np.ndarray  # int64 [N], index into FER_CLASSES


def load_fer(split: str, limit_per_class: int = None, seed: int = 0) -> FerSplit:
    """FER2013 `train` or `validation`. limit_per_class subsamples (smoke test / quick runs)."""
    root = data_root() / "fer2013" / split
    cache = cache_dir() / f"fer2013_{split}.npz"
    if cache.exists():
        d = np.load(cache)
        x, y = d["x"], d["y"]
    else:
        xs, ys = [], []
        for folder in sorted(p for p in root.iterdir() if p.is_dir()):
            cls = FER_CLASSES.index(canonical(folder.name))
            files = sorted(folder.glob("*.jpg")) + sorted(folder.glob("*.png"))
            xs += [_load_grey(f) for f in files]
            ys += [cls] * len(files)
        x, y = np.stack(xs), np.asarray(ys, dtype=np.int64)
        np.savez(cache, x=x, y=y)
        log(f"cached {split}: {len(y)} images -> {cache}")
    if limit_per_class:
        rng = np.random.RandomState(seed)
        keep = np.concatenate([rng.permutation(np.where(y == c)[0])[:limit_per_class]
                               for c in range(len(FER_CLASSES))])
        x, y = x[np.sort(keep)], y[np.sort(keep)]
    return FerSplit(x, y)


@dataclass
class CkSet:
    """CK+48 peak frames, each with the neutral first frame of its sequence when it exists."""
    x: np.ndarray         # uint8 [N,48,48] peak frames (ckplus48)
    y: np.ndarray         # int64 [N] index into CK_CLASSES
    subject: np.ndarray   # str [N]
    sequence: np.ndarray  # str [N]
    neutral: np.ndarray   # uint8 [N,48,48] same-sequence neutral frame (zeros if missing)
    has_neutral: np.ndarray  # bool [N]

    def subset(self, idx):
        return CkSet(*(a[idx] for a in (self.x, self.y, self.subject, self.sequence,
                                        self.neutral, self.has_neutral)))

    def __len__(self):
        return len(self.y)


def _read_manifest(path: Path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def load_ck() -> CkSet:
    root = data_root()
    # Neutral frames of ckplus/ are cropped like ckplus48/ (see data README); its peak frames
    # use a tighter crop, so we never use those: peaks come from ckplus48/ only.
    neutrals = {}
    for r in _read_manifest(root / "ckplus" / "manifest.csv"):
        if r["label"] == "neutral":
            neutrals[(r["subject"], r["sequence"])] = root / "ckplus" / r["file"]
    xs, ys, subs, seqs, ns, hs = [], [], [], [], [], []
    for r in _read_manifest(root / "ckplus48" / "manifest.csv"):
        key = (r["subject"], r["sequence"])
        xs.append(_load_grey(root / "ckplus48" / r["file"]))
        ys.append(CK_CLASSES.index(canonical(r["label"])))
        subs.append(r["subject"])
        seqs.append(r["sequence"])
        if key in neutrals:
            ns.append(_load_grey(neutrals[key]))
            hs.append(True)
        else:
            ns.append(np.zeros((48, 48), np.uint8))
            hs.append(False)
    return CkSet(np.stack(xs), np.asarray(ys, np.int64), np.asarray(subs), np.asarray(seqs),
                 np.stack(ns), np.asarray(hs))


def subject_folds(subjects: np.ndarray, k: int = 10, seed: int = 0):
    """Subject-independent folds: every subject's images land in exactly one test fold.
    Subjects are shuffled, then assigned greedily to the fold with fewest images so far."""
    uniq = sorted(set(subjects.tolist()))
    random.Random(seed).shuffle(uniq)
    counts = {s: int((subjects == s).sum()) for s in uniq}
    folds, sizes = [[] for _ in range(k)], [0] * k
    for s in sorted(uniq, key=lambda s: -counts[s]):
        i = int(np.argmin(sizes))
        folds[i].append(s)
        sizes[i] += counts[s]
    out = []
    for fs in folds:
        test = np.isin(subjects, fs)
        out.append((np.where(~test)[0], np.where(test)[0]))
    return out


# "Stronger augmentation" of the experiments (x3long, CK+ recipe strongaug): wider geometry and
# a random occlusion in half the faces.
STRONG_AUG = dict(max_rot=15.0, max_shift=0.12, scale=(0.88, 1.12), erase_p=0.5)


def augment(x: torch.Tensor, *companions: torch.Tensor, max_rot=10.0, max_shift=0.08,
            scale=(0.93, 1.07), p_flip=0.5, erase_p=0.0, erase_frac=(1 / 6, 1 / 2)):
    """Random flip + small rotation/shift/scale, applied identically to x and its companions
    (e.g. the reference face), so a face and its reference stay aligned. erase_p: chance of
    blanking one random rectangle (same place in face and reference; an occlusion), each side a
    random fraction in erase_frac of the image's."""
    n = x.shape[0]
    ang = (torch.rand(n) * 2 - 1) * math.radians(max_rot)
    sc = torch.empty(n).uniform_(*scale)
    flip = torch.where(torch.rand(n) < p_flip, -1.0, 1.0)
    tx, ty = [(torch.rand(n) * 2 - 1) * max_shift for _ in range(2)]  # drawn on the CPU: same
    # random stream on every device; the small [n,2,3] matrix then moves to x's device.
    cos, sin = torch.cos(ang) / sc, torch.sin(ang) / sc
    theta = torch.stack([torch.stack([cos * flip, -sin, tx], 1),
                         torch.stack([sin * flip, cos, ty], 1)], 1).to(x.device)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    outs = [F.grid_sample(t, grid, padding_mode="border", align_corners=False)
            for t in (x,) + companions]
    if erase_p > 0:
        h, w = x.shape[-2:]
        for i in torch.nonzero(torch.rand(n) < erase_p).flatten().tolist():
            eh, ew = (random.randint(int(d * erase_frac[0]), int(d * erase_frac[1])) for d in (h, w))
            top, left = random.randint(0, h - eh), random.randint(0, w - ew)
            for o in outs:
                o[i, :, top:top + eh, left:left + ew] = 0.0
    return outs[0] if not companions else outs


def batches(n: int, bs: int, shuffle=True, drop_last=True, order=None):
    """Index batches over n samples; `order` (length n) replaces the shuffled order."""
    idx = order if order is not None else np.random.permutation(n) if shuffle else np.arange(n)
    stop = n - (n % bs if drop_last and n >= bs else 0)
    for i in range(0, stop, bs):
        yield idx[i:i + bs]
