"""Generator training: face -> neutral reference face of the same person.

Supervision available:
  * CK+ pairs (peak frame -> neutral first frame of the same sequence): the only true pairs.
  * Neutral faces (FER2013 neutral class, CK+ neutral frames) -> themselves: teaches the
    decoder what a neutral face looks like and keeps identity/lighting.
  * FER2013 expressive faces, unpaired: only the GAN uses them (its critic learns the
    distribution of real neutral faces; the generator must map expressive faces into it).

Two stages so CK+ folds stay subject-independent: `pretrain` on FER2013 only, then
`finetune` adds the CK+ pairs of the allowed (training) subjects."""
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from .common import FER_CLASSES, cpu_state, device, log, to_tensor
from .data import augment
from .losses import lsgan
from .models import PatchDiscriminator, make_generator

KL_WEIGHT = 5e-4       # VAE: small beta, the reference must stay sharp enough to be useful
ADV_WEIGHT = 0.05      # GAN: adversarial term relative to the L1 terms
IDENT_WEIGHT = 0.5     # GAN: unpaired faces keep their low-frequency content (identity, light)


@dataclass
class GenData:
    pair_in: np.ndarray    # uint8 [P,48,48] expressive faces with a true neutral
    pair_out: np.ndarray   # uint8 [P,48,48] their neutral
    neutral: np.ndarray    # uint8 [M,48,48] neutral faces (targets = themselves, GAN 'real')
    expressive: np.ndarray  # uint8 [K,48,48] unpaired expressive faces (GAN only)


def build_gen_data(fer, ck=None) -> GenData:
    ni = FER_CLASSES.index("neutral")
    neutral = [fer.x[fer.y == ni]]
    pin = pout = np.zeros((0, 48, 48), np.uint8)
    if ck is not None and len(ck):
        h = ck.has_neutral
        pin, pout = ck.x[h], ck.neutral[h]
        _, first = np.unique(ck.sequence[h].astype(object) + "_" + ck.subject[h].astype(object),
                             return_index=True)
        neutral.append(pout[first])  # each CK+ neutral frame once
    return GenData(pin, pout, np.concatenate(neutral), fer.x[fer.y != ni])


def _sample(a: np.ndarray, n: int) -> torch.Tensor:
    return to_tensor(a[np.random.randint(0, len(a), n)]).to(device())


def _paired_batch(gd: GenData, bs: int):
    """Half true CK+ pairs (if any), half neutral->itself; jointly augmented."""
    n_pair = bs // 2 if len(gd.pair_in) else 0
    idx = np.random.randint(0, max(len(gd.pair_in), 1), n_pair)
    nidx = np.random.randint(0, len(gd.neutral), bs - n_pair)
    x = np.concatenate([gd.pair_in[idx], gd.neutral[nidx]])
    t = np.concatenate([gd.pair_out[idx], gd.neutral[nidx]])
    return augment(to_tensor(x).to(device()), to_tensor(t).to(device()))


def train_generator(variant: str, gd: GenData, steps: int, init: dict = None, bs: int = 64,
                    lr: float = 1e-3, disc_init: dict = None, log_every: int = 100):
    """Returns (generator state_dict, discriminator state_dict or None)."""
    g = make_generator(variant)
    if init is not None:
        g.load_state_dict(init)
    g = g.to(device())
    d = None
    params = list(g.parameters())
    opt = torch.optim.Adam(params, lr=lr, betas=(0.5, 0.999))
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, max(steps, 1))
    if variant == "gan":
        d = PatchDiscriminator()
        if disc_init is not None:
            d.load_state_dict(disc_init)
        d = d.to(device())
        opt_d = torch.optim.Adam(d.parameters(), lr=lr, betas=(0.5, 0.999))
    g.train()
    for step in range(1, steps + 1):
        x, t = _paired_batch(gd, bs)
        out = g(x)
        rec = F.l1_loss(out, t)
        loss = rec
        if variant == "vae":
            loss = loss + KL_WEIGHT * g.last_kl
        if variant == "gan":
            # Unpaired expressive faces must look like real neutral faces to the critic, while
            # keeping their coarse (4x downsampled) content: who it is, pose, lighting.
            xu = augment(_sample(gd.expressive, bs // 4))
            fake_u = g(xu)
            ident = F.l1_loss(F.avg_pool2d(fake_u, 4), F.avg_pool2d(xu, 4))
            fakes = torch.cat([out, fake_u])
            adv = lsgan(d(fakes), True)
            loss = loss + IDENT_WEIGHT * ident + ADV_WEIGHT * adv
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if variant == "gan":
            real = augment(_sample(gd.neutral, bs // 2))
            d_loss = 0.5 * (lsgan(d(real), True) + lsgan(d(fakes.detach()), False))
            opt_d.zero_grad()
            d_loss.backward()
            opt_d.step()
        if step % log_every == 0 or step == steps:
            extra = f" d={d_loss.item():.3f} adv={adv.item():.3f}" if variant == "gan" else ""
            extra += f" kl={g.last_kl.item():.1f}" if variant == "vae" else ""
            log(f"gen {variant} step {step}/{steps} L1={rec.item():.4f}{extra}")
    g.eval()
    return cpu_state(g), (cpu_state(d) if d is not None else None)


def vae_from_autoencoder(ae: dict) -> dict:
    """Start the VAE from a trained autoencoder: same weights, mu = the AE latent, small
    initial variance (logvar = -4). Saves most of the VAE's (slow) training on 2 cores."""
    st = {k: v.clone() for k, v in ae.items()}
    w, b = st["to_latent.weight"], st["to_latent.bias"]
    st["to_latent.weight"] = torch.cat([w, torch.zeros_like(w)])
    st["to_latent.bias"] = torch.cat([b, torch.full_like(b, -4.0)])
    return st


def train_all_generators(gd: GenData, steps: int, init: dict = None):
    """Train autoencoder, vae and gan. `init` = {variant: state, 'gan_disc': state} from a
    previous stage. Without one, VAE and GAN start from the freshly trained autoencoder and get
    half the steps (they cost 2-3x more per step on a CPU)."""
    init = init or {}
    out = {}
    for v in ["autoencoder", "vae", "gan"]:
        start = init.get(v)
        n = steps
        if start is None and v != "autoencoder":
            start = vae_from_autoencoder(out["autoencoder"]) if v == "vae" else out["autoencoder"]
            n = max(1, steps // 2)
        elif v == "gan":
            n = max(1, steps // 2)
        out[v], disc = train_generator(v, gd, n, init=start, disc_init=init.get("gan_disc"))
        if disc is not None:
            out["gan_disc"] = disc
    return out


@torch.no_grad()
def generate(variant: str, state: dict, x_u8: np.ndarray, bs: int = 512) -> np.ndarray:
    """Reference faces for a whole array (float32 [N,1,48,48], normalised space)."""
    if variant == "identity":
        return to_tensor(x_u8).numpy()
    g = make_generator(variant)
    g.load_state_dict(state)
    g = g.to(device()).eval()
    return np.concatenate([g(to_tensor(x_u8[i:i + bs]).to(device())).cpu().numpy()
                           for i in range(0, len(x_u8), bs)])
