"""CI smoke test: tiny end-to-end training -> ONNX export -> checker + onnxruntime -> cards.

Run: /usr/bin/python3 -m pytest training/tests -q   (about 2-3 minutes on 2 cores).
Skips when the data set is absent (../shared/data from the repo root, or $FER_DATA)."""
import json

import numpy as np
import pytest
import torch

from training.common import CK_CLASSES, FER_CLASSES, data_root

DATA = data_root()
needs_data = pytest.mark.skipif(
    not (DATA / "fer2013" / "train").is_dir() or not (DATA / "ckplus48" / "manifest.csv").is_file(),
    reason=f"FER2013/CK+ data not found at {DATA}: set FER_DATA to the data folder to run this test")

CARD_KEYS = {"name", "stage", "version", "contract", "input_size", "channels", "normalization",
             "inputs", "outputs", "classes", "embedding_dim", "training", "metrics", "commit",
             "license", "created"}


def test_augment_keeps_face_and_reference_aligned():
    from training.data import augment
    x = torch.randn(8, 1, 48, 48)
    a, b = augment(x, x.clone())
    assert a.shape == x.shape and torch.allclose(a, b)


def test_occlusion_blanks_the_same_rectangle_in_face_and_reference():
    from training.data import augment
    x = torch.rand(16, 1, 48, 48) + 1.0  # no zeros before erasing
    a, b = augment(x, x.clone(), erase_p=1.0, max_rot=0.0, max_shift=0.0, scale=(1.0, 1.0), p_flip=0.0)
    erased = (a == 0)
    assert torch.equal(erased, b == 0)
    frac = erased.flatten(1).float().mean(1)
    assert bool((frac >= (8 / 48) ** 2 - 1e-6).all()) and bool((frac <= 0.25 + 1e-6).all())


def test_balanced_order_draws_every_class_about_equally():
    from training.train_encoder import _balanced_order
    y = np.array([0] * 900 + [1] * 90 + [2] * 10)
    order = _balanced_order(y, np.random.RandomState(0))
    assert len(order) == len(y)
    counts = np.bincount(y[order], minlength=3)
    assert counts.min() > 0.8 * len(y) / 3, counts


def test_identity_generator_export(tmp_path):
    import onnx
    import onnxruntime as ort
    from training.export import export_identity
    p = tmp_path / "id.onnx"
    export_identity(p)
    onnx.checker.check_model(onnx.load(str(p)), full_check=True)
    x = np.random.rand(3, 1, 48, 48).astype(np.float32)
    out = ort.InferenceSession(str(p), providers=["CPUExecutionProvider"]).run(None, {"face": x})[0]
    assert np.array_equal(out, x)


@needs_data
def test_subject_folds_are_disjoint():
    from training.data import load_ck, subject_folds
    ck = load_ck()
    folds = subject_folds(ck.subject, 10)
    seen = np.concatenate([te for _, te in folds])
    assert sorted(seen.tolist()) == list(range(len(ck)))
    for tr, te in folds:
        assert not set(ck.subject[tr]) & set(ck.subject[te])


@needs_data
def test_tiny_pipeline_end_to_end(tmp_path):
    import onnx
    import onnxruntime as ort
    from training import pipeline
    models = tmp_path / "models"
    pipeline.main(["--mode", "tiny", "--ckpt", str(tmp_path / "ckpt"), "--models", str(models),
                   "--results", str(tmp_path / "no_ablation.json")])
    for name, classes in (("fer2013", FER_CLASSES), ("ckplus", CK_CLASSES)):
        pj = json.loads((models / name / "pipeline.json").read_text())
        assert pj["default_variant"] == "autoencoder"
        assert pj["generators"] == ["generator-autoencoder", "generator-vae", "generator-gan", "generator-identity"]
        x = np.random.RandomState(0).uniform(-1, 1, (2, 1, 48, 48)).astype(np.float32)
        emb = None
        for part in pj["generators"] + ["encoder", "classifier"]:
            d = models / name / part / "1"
            card = json.loads((d / "card.json").read_text())
            assert CARD_KEYS <= set(card), CARD_KEYS - set(card)
            assert card["contract"] == f"{name}-gcn-1" and card["classes"] == classes
            assert card["input_size"] == [48, 48] and card["normalization"] == {"mean": 0.5, "std": 0.5}
            assert "non-commercial" in card["license"]
            model = onnx.load(str(d / "model.onnx"))
            onnx.checker.check_model(model, full_check=True)
            assert [i.name for i in model.graph.input] == [i["name"] for i in card["inputs"]]
            assert [o.name for o in model.graph.output] == [o["name"] for o in card["outputs"]]
            assert (d / "model.onnx").stat().st_size < 8 * 1024 * 1024
            sess = ort.InferenceSession(str(d / "model.onnx"), providers=["CPUExecutionProvider"])
            if card["stage"] == "generator":
                assert card["variant"] == part.split("-", 1)[1]
                ref = sess.run(None, {"face": x})[0]
                assert ref.shape == x.shape
            elif card["stage"] == "encoder":
                emb = sess.run(None, {"face": x, "reference": ref})[0]
                assert emb.shape == (2, card["embedding_dim"])
            else:
                logits = sess.run(None, {"embedding": emb})[0]
                assert logits.shape == (2, len(classes)) and np.isfinite(logits).all()


def test_seed_summary_pairs_each_run_with_its_own_identity(tmp_path):
    from training.seed_summary import summary
    accs = [{"identity": 0.90, "autoencoder": 0.92, "vae": 0.90, "gan": 0.91, "true_neutral": 0.95},
            {"identity": 0.94, "autoencoder": 0.95, "vae": 0.93, "gan": 0.95, "true_neutral": 0.96}]
    dirs = []
    for i, a in enumerate(accs):
        d = tmp_path / f"run{i}"
        d.mkdir()
        (d / "ablation.json").write_text(json.dumps({"ckplus": {"variants": {v: {"accuracy": x} for v, x in a.items()}}}))
        dirs.append(str(d))
    text = summary(dirs)
    ae = next(line for line in text.splitlines() if line.startswith("| autoencoder "))
    cells = [c.strip() for c in ae.strip("|").split("|")]
    assert cells[3] == "0.9350"      # mean of 0.92 and 0.95
    assert cells[5] == "+0.0150"     # mean of the paired differences +0.02 and +0.01
    assert cells[6] == "0.0050"      # sd 0.00707 / sqrt(2)


def test_seed_summary_refuses_a_folder_without_a_report(tmp_path):
    from training.seed_summary import summary
    with pytest.raises(SystemExit, match="ablation.json not found"):
        summary([str(tmp_path)])


def test_warm_start_continues_the_named_modes_encoder(tmp_path, monkeypatch):
    import torch
    from training import pipeline
    monkeypatch.setattr(pipeline, "CHECKPOINTS_DIR", tmp_path)
    cfg = dict(pipeline.MODES["x2long"])
    assert pipeline.fer_warm_start(dict(pipeline.MODES["xlong"])) is None
    with pytest.raises(SystemExit, match="run `python3 -m training.pipeline --mode xlong --stop-after fer`"):
        pipeline.fer_warm_start(cfg)
    (tmp_path / "xlong").mkdir()
    state = {"encoder": {"w": torch.ones(2)}, "classifier": None}
    torch.save(state, tmp_path / "xlong" / "fer_encoder.pt")
    assert torch.equal(pipeline.fer_warm_start(cfg)["encoder"]["w"], torch.ones(2))


def test_a_wider_encoder_trains_fine_tunes_and_exports_at_its_own_size(tmp_path, monkeypatch):
    """Mode `gpu` trains a wider encoder: every later step must build it at that size, and the
    exported ONNX chain must still match PyTorch (no data set needed: random faces)."""
    monkeypatch.setenv("FER_DEVICE", "cpu")
    from training.export import export_pipeline, run_onnx_pipeline
    from training.models import ContrastiveEncoder, encoder_from, make_generator, n_params
    from training.train_encoder import encoder_only, predict, train_encoder
    rng = np.random.RandomState(0)
    x = rng.randint(0, 256, (64, 48, 48)).astype(np.uint8)
    y = rng.randint(0, len(FER_CLASSES), 64)
    refs = {"autoencoder": rng.uniform(-1, 1, (64, 1, 48, 48)).astype(np.float32)}
    wide = train_encoder(x, y, refs, len(FER_CLASSES), 1, bs=32, width=24)
    assert wide["arch"]["w"] == 24
    assert n_params(encoder_from(wide)) > 1.5 * n_params(ContrastiveEncoder())
    tuned = train_encoder(x, y % len(CK_CLASSES), refs, len(CK_CLASSES), 1, bs=32,
                          init=encoder_only(wide))
    assert tuned["arch"]["w"] == 24
    gens = {v: make_generator(v).state_dict() for v in ["autoencoder", "vae", "gan"]}
    blocks = {k: {} for k in ("generator", "encoder", "classifier")}
    faces = torch.from_numpy(refs["autoencoder"][:4])
    export_pipeline(tmp_path / "p", "p", "test", CK_CLASSES, gens, tuned, blocks, {}, faces)
    onnx_logits = run_onnx_pipeline(tmp_path / "p", "identity", faces.numpy())
    u8 = ((faces.numpy()[:, 0] * 0.5 + 0.5) * 255).round().astype(np.uint8)
    torch_logits = predict(tuned, len(CK_CLASSES), u8, faces.numpy())
    assert np.abs(onnx_logits - torch_logits).max() < 1e-3


def test_a_bad_fer_device_is_refused_with_the_setting_named(monkeypatch):
    from training.common import device
    monkeypatch.setenv("FER_DEVICE", "gpu0")
    with pytest.raises(SystemExit, match="FER_DEVICE='gpu0' is not a torch device"):
        device()
    if not torch.cuda.is_available():
        monkeypatch.setenv("FER_DEVICE", "cuda")
        with pytest.raises(SystemExit, match="torch sees no GPU"):
            device()
    monkeypatch.setenv("FER_DEVICE", "cpu")
    assert device().type == "cpu"
