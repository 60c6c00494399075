"""Losses and image metrics used by the generators and the contrastive encoder."""
import torch
import torch.nn.functional as F


def supcon(emb: torch.Tensor, y: torch.Tensor, temperature: float = 0.1) -> torch.Tensor:
    """Supervised contrastive loss (Khosla et al. 2020) on L2-normalised embeddings: pulls
    same-expression embeddings together, pushes others apart (the 'contrastive' term)."""
    z = F.normalize(emb, dim=1)
    sim = z @ z.t() / temperature
    n = z.shape[0]
    eye = torch.eye(n, dtype=torch.bool, device=emb.device)
    sim = sim.masked_fill(eye, -1e9)
    pos = (y[:, None] == y[None, :]) & ~eye
    logprob = sim - torch.logsumexp(sim, dim=1, keepdim=True)
    npos = pos.sum(1)
    valid = npos > 0
    if not valid.any():
        return emb.sum() * 0
    loss = -(logprob * pos).sum(1)[valid] / npos[valid]
    return loss.mean()


def lsgan(pred: torch.Tensor, real: bool) -> torch.Tensor:
    """Least-squares GAN loss (stable on small batches)."""
    return ((pred - (1.0 if real else 0.0)) ** 2).mean()


def ssim(a: torch.Tensor, b: torch.Tensor, data_range: float = 2.0) -> torch.Tensor:
    """Mean SSIM per image (Gaussian 7x7 window, sigma 1.5), inputs in [-1,1] -> [N]."""
    coords = torch.arange(7, dtype=torch.float32) - 3
    g = torch.exp(-coords ** 2 / (2 * 1.5 ** 2))
    g = (g / g.sum())
    win = (g[:, None] * g[None, :])[None, None]
    c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2
    mu_a, mu_b = F.conv2d(a, win), F.conv2d(b, win)
    saa = F.conv2d(a * a, win) - mu_a ** 2
    sbb = F.conv2d(b * b, win) - mu_b ** 2
    sab = F.conv2d(a * b, win) - mu_a * mu_b
    s = ((2 * mu_a * mu_b + c1) * (2 * sab + c2)) / ((mu_a ** 2 + mu_b ** 2 + c1) * (saa + sbb + c2))
    return s.flatten(1).mean(1)
