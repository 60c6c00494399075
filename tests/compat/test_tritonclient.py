"""The official tritonclient (KServe v2 / Triton gRPC client) against the server's OIP endpoint:
readiness, metadata and inference on real faces, compared with fer.v1's RecognizeImage."""
import io
import json
import queue

import numpy as np
import pytest
import tritonclient.grpc as grpcclient
from PIL import Image
from tritonclient.utils import InferenceServerException

SCORE_TOL = 1e-5


def recognize_v1(fer_v1, image: bytes, variant: str):
    fer_pb2, stub = fer_v1
    request = fer_pb2.RecognizeRequest(image=fer_pb2.Image(encoded=fer_pb2.EncodedImage(data=image)),
                                       face_crop=True, variant=variant)
    face = stub.RecognizeImage(request, timeout=30).faces[0]
    return face.label, np.array([s.score for s in face.scores], dtype=np.float32)


def image_input(*images: bytes):
    inp = grpcclient.InferInput("image", [len(images), 1], "BYTES")
    inp.set_data_from_numpy(np.array([[i] for i in images], dtype=np.object_))
    return inp


def version_of(triton, variant: str) -> str:
    params = triton.get_model_config("fer", as_json=True)["config"]["parameters"]
    return next(k.split(".", 1)[1] for k, v in params.items()
                if k.startswith("version.") and v["string_value"] == variant)


def normalised(path, pipeline) -> np.ndarray:
    """The face tensor [1,1,H,W] as models/README.md defines it: (pixel/255 - mean) / std."""
    card = json.loads(next(m.card_json for m in pipeline.models if m.stage == "encoder"))
    norm = card["normalization"]
    grey = Image.open(path).convert("L").resize((pipeline.input_width, pipeline.input_height))
    x = (np.asarray(grey, dtype=np.float32) / 255.0 - norm["mean"]) / norm["std"]
    return x.reshape(1, 1, pipeline.input_height, pipeline.input_width).astype(np.float32)


def test_server_live_and_ready(triton):
    assert triton.is_server_live()
    assert triton.is_server_ready()
    assert triton.is_model_ready("fer")
    assert not triton.is_model_ready("no-such-model")
    meta = triton.get_server_metadata(as_json=True)
    assert meta["name"] == "fer-server"
    assert "model_configuration" in meta["extensions"]


def test_model_metadata_matches_the_pipeline(triton, pipeline):
    h, w, c = pipeline.input_height, pipeline.input_width, len(pipeline.classes)
    meta = triton.get_model_metadata("fer", as_json=True)
    inputs = {t["name"]: t for t in meta["inputs"]}
    outputs = {t["name"]: t for t in meta["outputs"]}
    assert inputs["face"]["datatype"] == "FP32"
    assert [int(d) for d in inputs["face"]["shape"]] == [-1, 1, h, w]
    assert inputs["image"]["datatype"] == "BYTES"
    assert [int(d) for d in outputs["scores"]["shape"]] == [-1, c]
    assert [int(d) for d in outputs["reference"]["shape"]] == [-1, 1, h, w]
    assert len(meta["versions"]) == len(pipeline.variants)
    for stage in ("generator", "encoder", "classifier"):
        m = triton.get_model_metadata(f"{pipeline.name}.{stage}", as_json=True)
        assert all(int(t["shape"][0]) == -1 for t in m["inputs"] + m["outputs"]), m
    config = triton.get_model_config("fer", as_json=True)["config"]
    assert int(config["max_batch_size"]) > 0
    assert [int(d) for d in config["input"][0]["dims"]] == [1, h, w], "dims leave out the batch axis"


def test_images_give_the_same_label_and_scores_as_fer_v1(triton, fer_v1, pipeline, faces):
    variant = pipeline.active_variant
    version = version_of(triton, variant)
    agree_with_truth = 0
    for path, truth in faces:
        image = path.read_bytes()
        label, scores = recognize_v1(fer_v1, image, variant)
        result = triton.infer("fer", [image_input(image)], model_version=version,
                               outputs=[grpcclient.InferRequestedOutput("scores")])
        got = result.as_numpy("scores")
        assert got.shape == (1, len(pipeline.classes))
        np.testing.assert_allclose(got[0], scores, atol=SCORE_TOL, err_msg=str(path))
        assert pipeline.classes[int(np.argmax(got[0]))] == label, path
        assert result.get_response().model_version == version
        agree_with_truth += label == truth
    print(f"\n{agree_with_truth}/{len(faces)} faces match their FER2013 folder label (variant {variant})")


def test_a_batch_of_images_and_a_face_tensor(triton, fer_v1, pipeline, faces):
    variant = pipeline.active_variant
    version = version_of(triton, variant)
    paths = [p for p, _ in faces[:4]]
    images = [p.read_bytes() for p in paths]
    batch = triton.infer("fer", [image_input(*images)], model_version=version).as_numpy("scores")
    assert batch.shape == (4, len(pipeline.classes))
    tensor = np.concatenate([normalised(p, pipeline) for p in paths])
    face = grpcclient.InferInput("face", list(tensor.shape), "FP32")
    face.set_data_from_numpy(tensor)
    result = triton.infer("fer", [face], model_version=version)
    assert result.as_numpy("reference").shape == tensor.shape
    # The client's own normalisation may round a grey level differently from the server's
    # decoder, hence the looser tolerance than for images.
    np.testing.assert_allclose(result.as_numpy("scores"), batch, atol=1e-3)
    for i, image in enumerate(images):
        np.testing.assert_allclose(batch[i], recognize_v1(fer_v1, image, variant)[1], atol=SCORE_TOL)


def test_classification_extension_gives_the_top_label(triton, fer_v1, pipeline, faces):
    image = faces[0][0].read_bytes()
    label, _ = recognize_v1(fer_v1, image, pipeline.active_variant)
    result = triton.infer("fer", [image_input(image)], model_version=version_of(triton, pipeline.active_variant),
                          outputs=[grpcclient.InferRequestedOutput("scores", class_count=3)])
    top = result.as_numpy("scores")[0]
    assert len(top) == 3
    score, index, name = top[0].decode().split(":")
    assert name == label and pipeline.classes[int(index)] == label


def test_every_version_is_a_generator_variant(triton, fer_v1, pipeline, faces):
    image = faces[1][0].read_bytes()
    params = triton.get_model_config("fer", as_json=True)["config"]["parameters"]
    for version in triton.get_model_metadata("fer", as_json=True)["versions"]:
        variant = params[f"version.{version}"]["string_value"]
        result = triton.infer("fer", [image_input(image)], model_version=version)
        assert result.get_response().parameters["variant"].string_param == variant
        np.testing.assert_allclose(result.as_numpy("scores")[0], recognize_v1(fer_v1, image, variant)[1],
                                   atol=SCORE_TOL)


def test_stage_models_chained_give_the_pipeline_scores(triton, pipeline, faces):
    name = pipeline.name
    version = version_of(triton, pipeline.active_variant)
    tensor = normalised(faces[2][0], pipeline)

    def run(model, inputs, model_version=""):
        tensors = []
        for tensor_name, value in inputs.items():
            t = grpcclient.InferInput(tensor_name, list(value.shape), "FP32")
            t.set_data_from_numpy(value)
            tensors.append(t)
        return triton.infer(model, tensors, model_version=model_version)

    reference = run(f"{name}.generator", {"face": tensor}, version).as_numpy("reference")
    embedding = run(f"{name}.encoder", {"face": tensor, "reference": reference}).as_numpy("embedding")
    logits = run(f"{name}.classifier", {"embedding": embedding}).as_numpy("logits")
    softmax = np.exp(logits - logits.max(axis=1, keepdims=True))
    softmax /= softmax.sum(axis=1, keepdims=True)
    face = grpcclient.InferInput("face", list(tensor.shape), "FP32")
    face.set_data_from_numpy(tensor)
    scores = triton.infer("fer", [face], model_version=version).as_numpy("scores")
    np.testing.assert_allclose(softmax, scores, atol=1e-5)


def test_wrong_shape_datatype_and_name_are_invalid_argument(triton, pipeline):
    h, w = pipeline.input_height, pipeline.input_width
    cases = [
        ("face", "FP32", np.zeros((1, 1, h + 2, w), np.float32), [f"[1,1,{h + 2},{w}]", f"[-1,1,{h},{w}]"]),
        ("face", "FP32", np.zeros((1, h, w), np.float32), [f"[1,{h},{w}]", f"[-1,1,{h},{w}]"]),
        ("face", "FP64", np.zeros((1, 1, h, w), np.float64), ["FP64", "FP32"]),
        ("pixels", "FP32", np.zeros((1, 1, h, w), np.float32), ["pixels", "face"]),
    ]
    for name, datatype, value, expected in cases:
        inp = grpcclient.InferInput(name, list(value.shape), datatype)
        inp.set_data_from_numpy(value)
        with pytest.raises(InferenceServerException) as e:
            triton.infer("fer", [inp])
        assert e.value.status() == "StatusCode.INVALID_ARGUMENT", e.value
        for part in expected:
            assert part in e.value.message(), e.value.message()
    with pytest.raises(InferenceServerException) as e:
        triton.get_model_metadata("no-such-model")
    assert e.value.status() == "StatusCode.NOT_FOUND"


def test_streaming_infer_answers_every_request(triton, fer_v1, pipeline, faces):
    results = queue.Queue()
    version = version_of(triton, pipeline.active_variant)
    triton.start_stream(callback=lambda result, error: results.put((result, error)))
    try:
        for i, (path, _) in enumerate(faces[:3]):
            triton.async_stream_infer("fer", [image_input(path.read_bytes())], model_version=version,
                                      request_id=str(i))
        triton.async_stream_infer("fer", [image_input(b"not an image")], model_version=version, request_id="bad")
        got = [results.get(timeout=60) for _ in range(4)]
    finally:
        triton.stop_stream()
    by_id = {}
    for result, error in got:
        if error is not None:
            by_id["bad"] = error
        else:
            by_id[result.get_response().id] = result
    assert "INVALID_ARGUMENT" in by_id["bad"].message()
    for i, (path, _) in enumerate(faces[:3]):
        np.testing.assert_allclose(by_id[str(i)].as_numpy("scores")[0],
                                   recognize_v1(fer_v1, path.read_bytes(), pipeline.active_variant)[1],
                                   atol=SCORE_TOL)


def test_statistics_count_the_requests(triton):
    stats = triton.get_inference_statistics("fer", as_json=True)["model_stats"]
    assert sum(int(s.get("inference_count", 0)) for s in stats) > 0
