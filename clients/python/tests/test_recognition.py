"""The Python client against a real fer server (see conftest.py for FER_TARGET)."""

import math

import grpc
import pytest

from fer_client import FerClient, fer_pb2, frame_error, request

CORRUPT = b"\xff\xd8\xff\xe0 this is not really a JPEG"


def check_face_result(face, pipeline):
    assert face.label in pipeline.classes
    assert [s.label for s in face.scores] == list(pipeline.classes), "every class scored, in card order"
    total = sum(s.score for s in face.scores)
    assert math.isclose(total, 1.0, abs_tol=1e-3), f"scores sum to {total}"
    best = max(face.scores, key=lambda s: s.score)
    assert face.label == best.label
    assert math.isclose(face.confidence, best.score, abs_tol=1e-6)


def test_pipelines(client, pipeline):
    listed = client.list_pipelines()
    assert listed.default_pipeline == pipeline.name
    assert pipeline.name in [p.name for p in listed.pipelines]
    assert len(pipeline.classes) >= 2
    assert pipeline.input_width > 0 and pipeline.input_height > 0


def test_face_crop_gives_one_face_with_all_classes_scored(client, pipeline, faces):
    resp = client.recognize_image(faces[0][1], face_crop=True, frame_id=42)
    assert resp.frame_id == 42
    assert not resp.HasField("error")
    assert len(resp.faces) == 1, "a face crop is one face"
    check_face_result(resp.faces[0], pipeline)
    assert resp.pipeline == pipeline.name


def test_stream_of_n_frames_gives_n_responses_in_order(client, pipeline, faces):
    frames = [data for _, data in faces]
    reqs = [request(data, frame_id=1000 + i, face_crop=True) for i, data in enumerate(frames)]
    responses = list(client.stream(reqs, max_in_flight=3))
    assert [r.frame_id for r in responses] == [1000 + i for i in range(len(frames))]
    for r in responses:
        assert frame_error(r) is None, r.error
        assert len(r.faces) == 1
        check_face_result(r.faces[0], pipeline)


def test_stream_assigns_frame_ids_to_plain_images(client, faces):
    frames = [data for _, data in faces[:5]]
    responses = list(client.stream(frames, max_in_flight=2, face_crop=True))
    assert [r.frame_id for r in responses] == list(range(len(frames)))


def test_corrupt_frame_gets_invalid_argument_and_stream_goes_on(client, pipeline, faces):
    good = faces[0][1]
    reqs = [request(good, frame_id=1, face_crop=True),
            request(CORRUPT, frame_id=2, face_crop=True),
            request(good, frame_id=3, face_crop=True)]
    responses = list(client.stream(reqs, max_in_flight=4))
    assert [r.frame_id for r in responses] == [1, 2, 3]
    assert frame_error(responses[0]) is None
    assert frame_error(responses[1]) == grpc.StatusCode.INVALID_ARGUMENT, responses[1].error
    assert responses[1].error.message
    assert not responses[1].faces
    assert frame_error(responses[2]) is None
    check_face_result(responses[2].faces[0], pipeline)


def test_corrupt_unary_image_is_invalid_argument(client):
    with pytest.raises(grpc.RpcError) as err:
        client.recognize_image(CORRUPT, face_crop=True)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_stream_and_unary_agree_on_the_same_image(client, pipeline, faces):
    variant = pipeline.active_variant
    for _, data in faces[:3]:
        unary = client.recognize_image(data, face_crop=True, variant=variant)
        [streamed] = list(client.stream([request(data, face_crop=True, variant=variant)]))
        assert frame_error(streamed) is None
        assert streamed.variant == unary.variant
        a, b = unary.faces[0], streamed.faces[0]
        assert a.label == b.label
        assert [s.label for s in a.scores] == [s.label for s in b.scores]
        for x, y in zip(a.scores, b.scores):
            assert abs(x.score - y.score) <= 1e-4, (x, y)


def test_raw_bgr_frame_matches_encoded(client, faces):
    np = pytest.importorskip("numpy")
    cv2 = pytest.importorskip("cv2")
    data = faces[0][1]
    bgr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    resp = client.recognize_image(bgr, face_crop=True)
    assert len(resp.faces) == 1
    enc = client.recognize_image(data, face_crop=True)
    assert resp.faces[0].label == enc.faces[0].label


def test_full_photo_detection(client, samples):
    if not samples:
        pytest.skip("no sample photos in samples/faces (scripts/fetch-samples.sh)")
    resp = client.recognize_image(str(samples[0]))
    assert resp.image_width > 0 and resp.image_height > 0
    for face in resp.faces:
        assert 0 <= face.box.x < resp.image_width and 0 <= face.box.y < resp.image_height


def test_unreachable_server_retries_with_backoff_then_raises():
    from fer_client import Backoff

    sleeps = []
    c = FerClient("127.0.0.1:1", backoff=Backoff(initial=0.01, maximum=0.04, max_attempts=3, jitter=0))
    c.sleep = sleeps.append
    with c, pytest.raises(grpc.RpcError) as err:
        c.get_pipeline(timeout=2)
    assert err.value.code() == grpc.StatusCode.UNAVAILABLE
    assert sleeps == [0.01, 0.02, 0.04]


def test_video_example_streams_every_frame(client, faces, tmp_path):
    """examples/stream_video.py's frame source, on a small MJPEG video made from the face crops."""
    import importlib.util
    import pathlib

    np = pytest.importorskip("numpy")
    cv2 = pytest.importorskip("cv2")
    video = str(tmp_path / "faces.avi")
    writer = cv2.VideoWriter(video, cv2.VideoWriter_fourcc(*"MJPG"), 10, (48, 48))
    if not writer.isOpened():
        pytest.skip("this OpenCV build cannot write MJPEG video")
    for _, data in faces[:6]:
        writer.write(cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR))
    writer.release()
    spec = importlib.util.spec_from_file_location(
        "stream_video", pathlib.Path(__file__).resolve().parents[1] / "examples" / "stream_video.py")
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    for raw in (False, True):
        reqs = [r for r in example.frames(video, 1, raw, 95)]
        for r in reqs:
            r.face_crop = True
        got = list(client.stream(reqs, max_in_flight=2))
        assert [r.frame_id for r in got] == list(range(6))
        assert all(frame_error(r) is None and len(r.faces) == 1 for r in got)
