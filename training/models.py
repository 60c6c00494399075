"""Network parts, each exported as its own ONNX model (contracts in models/README.md).

Sizes are chosen for a 2-core CPU: every part is a few hundred K to ~1 M parameters."""
import torch
import torch.nn as nn
import torch.nn.functional as F

from .common import EMBEDDING_DIM


def conv_bn(cin, cout, stride=1):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False),
                         nn.BatchNorm2d(cout), nn.LeakyReLU(0.2, inplace=True))


def up_bn(cin, cout):
    # Nearest upsample + conv: no checkerboard artefacts, exports cleanly to ONNX Resize.
    return nn.Sequential(nn.Upsample(scale_factor=2, mode="nearest"), conv_bn(cin, cout))


class Generator(nn.Module):
    """Plain encoder-decoder (no skip connections, so it cannot just copy the expression
    through): 48x48 face -> latent vector -> 48x48 reference face in the same [-1,1] space.

    vae=True adds a Gaussian latent (mu, logvar); at inference/export the mean is used so the
    exported model is deterministic."""

    def __init__(self, latent=128, vae=False, width=16):
        super().__init__()
        w = width
        self.vae = vae
        self.enc = nn.Sequential(conv_bn(1, w, 2), conv_bn(w, w),            # 24
                                 conv_bn(w, 2 * w, 2), conv_bn(2 * w, 2 * w),  # 12
                                 conv_bn(2 * w, 2 * w, 2))                     # 6
        flat = 2 * w * 6 * 6
        self.to_latent = nn.Linear(flat, latent * (2 if vae else 1))
        self.from_latent = nn.Sequential(nn.Linear(latent, flat), nn.LeakyReLU(0.2, inplace=True))
        self.dec = nn.Sequential(conv_bn(2 * w, 2 * w), up_bn(2 * w, 2 * w),     # 12
                                 up_bn(2 * w, w), conv_bn(w, w),               # 24
                                 up_bn(w, w // 2),                             # 48
                                 nn.Conv2d(w // 2, 1, 3, 1, 1), nn.Tanh())
        self.w = w
        self.latent = latent
        self.last_kl = None

    def forward(self, face):
        h = self.to_latent(self.enc(face).flatten(1))
        if self.vae:
            mu, logvar = h.chunk(2, dim=1)
            logvar = logvar.clamp(-8, 8)
            if self.training:
                z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
                self.last_kl = -0.5 * torch.mean(torch.sum(1 + logvar - mu ** 2 - logvar.exp(), 1))
            else:
                z = mu
        else:
            z = h
        h = self.from_latent(z).view(-1, 2 * self.w, 6, 6)
        return self.dec(h)


class IdentityGenerator(nn.Module):
    """The no-generator baseline: reference = face. Exported as an ONNX Identity graph."""

    def forward(self, face):
        return face


class PatchDiscriminator(nn.Module):
    """Small PatchGAN critic (48 -> 6x6 patch scores) judging 'is this a real neutral face'."""

    def __init__(self, w=32):
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(1, w, 4, 2, 1), nn.LeakyReLU(0.2, True),       # 24
                                 nn.Conv2d(w, 2 * w, 4, 2, 1), nn.BatchNorm2d(2 * w),
                                 nn.LeakyReLU(0.2, True),                                # 12
                                 nn.Conv2d(2 * w, 4 * w, 4, 2, 1), nn.BatchNorm2d(4 * w),
                                 nn.LeakyReLU(0.2, True),                                # 6
                                 nn.Conv2d(4 * w, 1, 3, 1, 1))

    def forward(self, x):
        return self.net(x)


class FeatureCNN(nn.Module):
    """Shared-weight CNN applied to both the face and its reference.
    Only one thin conv runs at full 48x48 resolution: that layer dominates CPU cost."""

    def __init__(self, w=16, feat=256):
        super().__init__()
        self.net = nn.Sequential(conv_bn(1, w), nn.MaxPool2d(2),                              # 24
                                 conv_bn(w, 2 * w), conv_bn(2 * w, 2 * w), nn.MaxPool2d(2),      # 12
                                 conv_bn(2 * w, 4 * w), conv_bn(4 * w, 4 * w), nn.MaxPool2d(2),  # 6
                                 conv_bn(4 * w, 8 * w), conv_bn(8 * w, feat),
                                 nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.out_dim = feat

    def forward(self, x):
        return self.net(x)


class ContrastiveEncoder(nn.Module):
    """(face, reference) -> embedding [N, D].

    The core signal is the DIFFERENCE of shared-weight features f(face) - f(reference)
    (Kim et al. 2017). f(face) itself is concatenated too: with the `identity` generator the
    difference is exactly zero, and the server hot-swaps variants, so the shipped encoder must
    still work there; the ablation shows how much the difference term adds."""

    def __init__(self, dim=EMBEDDING_DIM, w=16, feat=256):
        super().__init__()
        self.cnn = FeatureCNN(w, feat)
        self.proj = nn.Sequential(nn.Linear(2 * feat, dim), nn.BatchNorm1d(dim))
        self.dim = dim
        self.arch = {"w": w, "feat": feat}  # saved with checkpoints: see encoder_from

    def forward(self, face, reference):
        n = face.shape[0]
        f = self.cnn(torch.cat([face, reference], 0))  # one pass, shared weights
        f_face, f_ref = f[:n], f[n:]
        return self.proj(torch.cat([f_face - f_ref, f_face], 1))


class Classifier(nn.Module):
    """embedding [N, D] -> logits [N, C]."""

    def __init__(self, n_classes, dim=EMBEDDING_DIM, hidden=128, dropout=0.3):
        super().__init__()
        self.net = nn.Sequential(nn.ReLU(), nn.Dropout(dropout), nn.Linear(dim, hidden),
                                 nn.ReLU(inplace=True), nn.Dropout(dropout), nn.Linear(hidden, n_classes))

    def forward(self, emb):
        return self.net(emb)


def encoder_from(state: dict) -> ContrastiveEncoder:
    """The encoder a checkpoint holds, at the size it was trained ('arch'; older checkpoints
    have none and use the default size)."""
    enc = ContrastiveEncoder(**(state.get("arch") or {}))
    enc.load_state_dict(state["encoder"])
    return enc


def make_generator(variant: str, **kw) -> nn.Module:
    if variant == "identity":
        return IdentityGenerator()
    return Generator(vae=(variant == "vae"), **kw)


def n_params(m: nn.Module) -> int:
    return sum(p.numel() for p in m.parameters())
