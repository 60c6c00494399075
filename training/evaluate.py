"""Classification and image metrics (numpy only, no scikit-learn needed)."""
import numpy as np
import torch

from .common import to_tensor
from .losses import ssim


def classification_metrics(y_true, y_pred, classes):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    c = len(classes)
    cm = np.zeros((c, c), np.int64)
    np.add.at(cm, (y_true, y_pred), 1)
    tp = np.diag(cm).astype(float)
    recall = tp / np.maximum(cm.sum(1), 1)
    precision = tp / np.maximum(cm.sum(0), 1)
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
    present = cm.sum(1) > 0
    return {"accuracy": float(tp.sum() / max(cm.sum(), 1)),
            "macro_f1": float(f1[present].mean()) if present.any() else 0.0,
            "per_class_recall": {k: round(float(r), 4) for k, r, p in zip(classes, recall, present) if p},
            "n": int(cm.sum()),
            "confusion": cm.tolist()}


def reference_quality(ref: np.ndarray, neutral_u8: np.ndarray):
    """Mean L1 (in grey levels, 0-255) and SSIM of generated references vs the true neutral."""
    t = to_tensor(neutral_u8)
    r = torch.from_numpy(ref)
    l1 = (r - t).abs().mean().item() * 0.5 * 255  # normalised space has std 0.5
    return {"l1_grey": round(l1, 2), "ssim": round(ssim(r, t).mean().item(), 4), "n": int(len(t))}
