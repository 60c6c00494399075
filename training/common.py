"""Shared constants and small helpers (paths, class names, normalisation, seeding)."""
import os
import random
import subprocess
from pathlib import Path

import numpy as np
import torch

REPO_ROOT = Path(__file__).resolve().parent.parent
TRAINING_DIR = REPO_ROOT / "training"
MODELS_DIR = REPO_ROOT / "models"
CHECKPOINTS_DIR = TRAINING_DIR / "checkpoints"
RESULTS_DIR = TRAINING_DIR / "results"

# Contract fixed by models/README.md: 48x48 grey, x = (pixel/255 - 0.5) / 0.5, i.e. [-1, 1].
INPUT_SIZE = 48
MEAN, STD = 0.5, 0.5
OPSET = 17
EMBEDDING_DIM = 128

# Canonical names; logits order = alphabetical canonical names (as in models/README.md).
FER_CLASSES = ["anger", "disgust", "fear", "happiness", "neutral", "sadness", "surprise"]
CK_CLASSES = ["anger", "contempt", "disgust", "fear", "happiness", "sadness", "surprise"]
CANONICAL = {"angry": "anger", "happy": "happiness", "sad": "sadness"}  # others are unchanged

# Generator variants shipped for every pipeline. "identity" = no generator (reference = face).
GEN_VARIANTS = ["autoencoder", "vae", "gan", "identity"]
LICENSE = "Weights trained on FER2013 / CK+: non-commercial research use only"


def canonical(label: str) -> str:
    return CANONICAL.get(label, label)


def data_root() -> Path:
    """../shared/data relative to the repo root, overridable with FER_DATA."""
    return Path(os.environ.get("FER_DATA", REPO_ROOT.parent / "shared" / "data")).resolve()


def cache_dir() -> Path:
    # Decoded image arrays are cached OUTSIDE the repo (the data must never be copied into it).
    d = Path(os.environ.get("FER_CACHE", Path.home() / ".cache" / "fer-training"))
    d.mkdir(parents=True, exist_ok=True)
    return d


def git_commit() -> str:
    """HEAD of the repo the code was trained from (read-only `git rev-parse`), or "uncommitted"."""
    try:
        out = subprocess.run(["git", "-C", str(REPO_ROOT), "rev-parse", "HEAD"],
                             capture_output=True, text=True, timeout=10)
        sha = out.stdout.strip()
        if out.returncode != 0 or len(sha) != 40:
            return "uncommitted"
        # Training code not in that commit yet (read-only check) -> say so rather than mislead.
        has = subprocess.run(["git", "-C", str(REPO_ROOT), "cat-file", "-e", "HEAD:training/pipeline.py"],
                             capture_output=True, timeout=10)
        return sha if has.returncode == 0 else "uncommitted"
    except Exception:
        return "uncommitted"


def device() -> torch.device:
    """Where training runs: $FER_DEVICE (cpu, cuda, cuda:1), else the GPU when torch sees one.
    Checkpoints and exports are always CPU tensors, so a model trained on a GPU exports the same."""
    name = os.environ.get("FER_DEVICE") or ("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(name)
    except RuntimeError:
        raise SystemExit(f"FER_DEVICE={name!r} is not a torch device: use cpu, cuda or cuda:N")
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise SystemExit(f"FER_DEVICE={name!r} but torch sees no GPU (a CPU-only torch build, or no driver)")
    return dev


def cpu_state(module: torch.nn.Module) -> dict:
    """A state_dict copy on the CPU (what checkpoints and export expect)."""
    return {k: v.detach().cpu().clone() for k, v in module.state_dict().items()}


def setup(seed: int = 0, threads: int = None):
    """Deterministic-ish seeding; 2 CPU threads by default (the target machine has 2 cores)."""
    threads = threads or int(os.environ.get("FER_THREADS", "2"))
    torch.set_num_threads(threads)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)
    torch.set_flush_denormal(True)  # denormal floats make CPU kernels crawl


def to_tensor(u8: np.ndarray) -> torch.Tensor:
    """uint8 [N,48,48] -> normalised float32 [N,1,48,48] in the contract's space."""
    x = torch.from_numpy(u8).float().div_(255.0)
    return ((x - MEAN) / STD).unsqueeze(1)


def log(msg: str):
    import datetime
    print(f"[{datetime.datetime.utcnow():%H:%M:%S}] {msg}", flush=True)
