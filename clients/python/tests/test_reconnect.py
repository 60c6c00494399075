"""The stream wrapper's reconnect and in-flight bound, against a small in-process fake server
(no real fer server needed): the first call dies with UNAVAILABLE part-way through."""

import threading
from concurrent import futures

import grpc
import pytest

from google.rpc import status_pb2

from fer_client import Backoff, FerClient, fer_pb2, fer_pb2_grpc, request


class FlakyRecognition(fer_pb2_grpc.RecognitionServicer):
    def __init__(self, fail_after, per_frame=False):
        self.fail_after = fail_after
        self.per_frame = per_frame  # answer the frame with error UNAVAILABLE instead of ending the call
        self.calls = 0
        self.received = []  # (call, frame_id, drop policy)
        self.lock = threading.Lock()

    def Recognize(self, request_iterator, context):
        with self.lock:
            self.calls += 1
            call = self.calls
        for n, req in enumerate(request_iterator):
            self.received.append((call, req.frame_id, req.stream_options.drop_policy))
            if call == 1 and n == self.fail_after:
                if not self.per_frame:
                    context.abort(grpc.StatusCode.UNAVAILABLE, "server going away")
                yield fer_pb2.RecognizeResponse(frame_id=req.frame_id, error=status_pb2.Status(
                    code=grpc.StatusCode.UNAVAILABLE.value[0], message="the server is still loading its models"))
                continue
            yield fer_pb2.RecognizeResponse(frame_id=req.frame_id, pipeline="fake")


@pytest.fixture(params=["call dies", "frame answered UNAVAILABLE"])
def fake(request):
    servicer = FlakyRecognition(fail_after=2, per_frame=request.param != "call dies")
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    fer_pb2_grpc.add_RecognitionServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    yield servicer, f"127.0.0.1:{port}"
    server.stop(0)


def test_stream_reconnects_and_resends_unanswered_frames_in_order(fake):
    servicer, target = fake
    sleeps = []
    consumed = []
    errors = []
    worst = [0]

    def frames():
        for i in range(10):
            worst[0] = max(worst[0], i + 1 - len(consumed))  # frames pulled - responses seen
            yield request(b"frame", frame_id=i)

    with FerClient(target, backoff=Backoff(initial=0.01, jitter=0)) as c:
        c.sleep = sleeps.append
        for resp in c.stream(frames(), max_in_flight=3, drop_policy=fer_pb2.LATEST):
            consumed.append(resp.frame_id)
            errors.append(resp.error.message)
    assert consumed == list(range(10)), "every frame answered once, in order"
    assert all(not r for r in errors), errors
    assert servicer.calls == 2 and sleeps == [0.01]
    second = [(f, p) for call, f, p in servicer.received if call == 2]
    assert second[0][1] == fer_pb2.LATEST, "stream options ride on the first request of each call"
    assert all(p == 0 for _, p in second[1:])
    assert worst[0] <= 3 + 1, f"{worst[0]} frames in flight with max_in_flight=3"


def test_stream_gives_up_after_max_attempts():
    c = FerClient("127.0.0.1:1", backoff=Backoff(initial=0.01, jitter=0, max_attempts=2))
    sleeps = []
    c.sleep = sleeps.append
    with c, pytest.raises(grpc.RpcError) as err:
        list(c.stream([b"x", b"y"]))
    assert err.value.code() == grpc.StatusCode.UNAVAILABLE
    assert sleeps == [0.01, 0.02]
