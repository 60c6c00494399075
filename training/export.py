"""ONNX export of every part + checks + card.json/pipeline.json (layout: models/README.md).

Each exported model is checked with onnx.checker and run in onnxruntime against PyTorch on
real-looking inputs at two batch sizes (dynamic batch axis); max abs diff must be < 1e-4."""
import datetime
import json
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import torch
from onnx import TensorProto, helper

from .common import (EMBEDDING_DIM, INPUT_SIZE, LICENSE, MEAN, OPSET, STD, git_commit, log)
from .models import Classifier, encoder_from, make_generator

FACE = [-1, 1, INPUT_SIZE, INPUT_SIZE]
TOL = 1e-4


def _io(name, shape):
    return {"name": name, "shape": shape, "dtype": "float32"}


def _session(path):
    so = ort.SessionOptions()
    so.intra_op_num_threads = 2
    return ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])


def _check(path: Path, module, inputs: dict):
    """onnx.checker + onnxruntime vs PyTorch at batch sizes 1 and N. Returns max abs diff."""
    onnx.checker.check_model(onnx.load(str(path)), full_check=True)
    sess = _session(path)
    worst = 0.0
    for n in (1, next(iter(inputs.values())).shape[0]):
        feed = {k: v[:n].numpy() for k, v in inputs.items()}
        with torch.no_grad():
            ref = module(*[v[:n] for v in inputs.values()]).numpy()
        got = sess.run(None, feed)[0]
        assert got.shape == ref.shape, (got.shape, ref.shape)
        worst = max(worst, float(np.abs(got - ref).max()))
    assert worst < TOL, f"{path}: onnxruntime differs from PyTorch by {worst}"
    return worst


def _torch_export(module, args, path, in_names, out_names):
    path.parent.mkdir(parents=True, exist_ok=True)
    axes = {n: {0: "N"} for n in in_names + out_names}
    torch.onnx.export(module, args, str(path), input_names=in_names, output_names=out_names,
                      dynamic_axes=axes, opset_version=OPSET, do_constant_folding=True)


def export_identity(path: Path):
    """The identity generator as a real ONNX graph (so every variant uses the same code path)."""
    dims = ["N", 1, INPUT_SIZE, INPUT_SIZE]
    graph = helper.make_graph([helper.make_node("Identity", ["face"], ["reference"])], "identity",
                              [helper.make_tensor_value_info("face", TensorProto.FLOAT, dims)],
                              [helper.make_tensor_value_info("reference", TensorProto.FLOAT, dims)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="fer-training")
    model.ir_version = 8  # opset 17 <-> IR 8: readable by every onnxruntime >= 1.13
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(path))


class _Encoder(torch.nn.Module):
    def __init__(self, enc):
        super().__init__()
        self.enc = enc

    def forward(self, face, reference):
        return self.enc(face, reference)


def _card(pipeline, stage, classes, training, metrics, inputs, outputs, variant=None, version="1"):
    card = {"name": f"{pipeline}-{stage}" + (f"-{variant}" if variant else ""),
            "stage": stage}
    if variant:
        card["variant"] = variant
    card.update({
        "version": version,
        "contract": f"{pipeline}-gcn-1",
        "input_size": [INPUT_SIZE, INPUT_SIZE],
        "channels": 1,
        "normalization": {"mean": MEAN, "std": STD},
        "inputs": inputs,
        "outputs": outputs,
        "classes": list(classes),
        "embedding_dim": EMBEDDING_DIM,
        "training": training,
        "metrics": metrics,
        "commit": git_commit(),
        "license": LICENSE,
        "created": datetime.datetime.utcnow().replace(microsecond=0).isoformat() + "Z",
    })
    return card


def export_pipeline(out_dir: Path, pipeline: str, description: str, classes, gen_states: dict,
                    enc_state: dict, training: dict, metrics: dict, sample_faces: torch.Tensor,
                    version: str = "1", default_variant: str = "autoencoder"):
    """Write models/<pipeline>/... . gen_states: {variant: state_dict} for autoencoder/vae/gan.
    training: {'generator': {...}, 'encoder': {...}, 'classifier': {...}} card 'training' blocks.
    metrics: same keys plus 'generator-<variant>' -> card 'metrics' blocks."""
    out_dir = Path(out_dir)
    x = sample_faces[:4].float()
    report = {}
    gens = []
    for variant in ["autoencoder", "vae", "gan", "identity"]:
        folder = f"generator-{variant}"
        path = out_dir / folder / version / "model.onnx"
        if variant == "identity":
            export_identity(path)
            module = make_generator("identity")
        else:
            module = make_generator(variant)
            module.load_state_dict(gen_states[variant])
            module.eval()
            _torch_export(module, (x,), path, ["face"], ["reference"])
        report[folder] = _check(path, module, {"face": x})
        card = _card(pipeline, "generator", classes, training["generator"],
                     metrics.get(folder, {}), [_io("face", FACE)], [_io("reference", FACE)],
                     variant=variant, version=version)
        (path.parent / "card.json").write_text(json.dumps(card, indent=2) + "\n")
        gens.append(folder)

    enc = encoder_from(enc_state)
    enc.eval()
    cls = Classifier(len(classes))
    cls.load_state_dict(enc_state["classifier"])
    cls.eval()
    ref = torch.flip(x, dims=[3])  # any plausible reference works for the numeric check
    path = out_dir / "encoder" / version / "model.onnx"
    _torch_export(_Encoder(enc).eval(), (x, ref), path, ["face", "reference"], ["embedding"])
    report["encoder"] = _check(path, enc, {"face": x, "reference": ref})
    card = _card(pipeline, "encoder", classes, training["encoder"], metrics.get("encoder", {}),
                 [_io("face", FACE), _io("reference", FACE)], [_io("embedding", [-1, EMBEDDING_DIM])],
                 version=version)
    (path.parent / "card.json").write_text(json.dumps(card, indent=2) + "\n")

    with torch.no_grad():
        emb = enc(x, ref)
    path = out_dir / "classifier" / version / "model.onnx"
    _torch_export(cls, (emb,), path, ["embedding"], ["logits"])
    report["classifier"] = _check(path, cls, {"embedding": emb})
    card = _card(pipeline, "classifier", classes, training["classifier"],
                 metrics.get("classifier", {}), [_io("embedding", [-1, EMBEDDING_DIM])],
                 [_io("logits", [-1, len(classes)])], version=version)
    (path.parent / "card.json").write_text(json.dumps(card, indent=2) + "\n")

    pj = {"name": pipeline, "description": description, "encoder": "encoder",
          "classifier": "classifier", "generators": gens, "default_variant": default_variant}
    (out_dir / "pipeline.json").write_text(json.dumps(pj, indent=2) + "\n")
    log(f"exported {pipeline} -> {out_dir} (max |onnxruntime - torch|: "
        + ", ".join(f"{k}={v:.1e}" for k, v in report.items()) + ")")
    return report


@torch.no_grad()
def run_onnx_pipeline(model_dir: Path, variant: str, faces: np.ndarray, version="1") -> np.ndarray:
    """Run generator -> encoder -> classifier exactly as the server does; returns logits."""
    model_dir = Path(model_dir)
    g = _session(model_dir / f"generator-{variant}" / version / "model.onnx")
    e = _session(model_dir / "encoder" / version / "model.onnx")
    c = _session(model_dir / "classifier" / version / "model.onnx")
    ref = g.run(None, {"face": faces})[0]
    emb = e.run(None, {"face": faces, "reference": ref})[0]
    return c.run(None, {"embedding": emb})[0]
