"""Training pipeline for the generative-contrastive FER models (Kim et al. 2017).

See training/README.md for the walk-through and commands."""
