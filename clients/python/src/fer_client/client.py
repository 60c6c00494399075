"""A small, synchronous client for the fer.v1.Recognition gRPC service."""

from __future__ import annotations

import collections
import os
import random
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Optional, Sequence, Union

import grpc

from .v1 import fer_pb2, fer_pb2_grpc

DEFAULT_TARGET = "127.0.0.1:50151"
MAX_MESSAGE_BYTES = 64 * 1024 * 1024

# What `image` arguments may be: encoded bytes (JPEG/PNG/BMP/GIF), a path to such a file,
# an already built Image/RawImage/EncodedImage message, or a numpy array (HxW grey or HxWx3 BGR).
ImageLike = Union[bytes, bytearray, memoryview, str, os.PathLike, "fer_pb2.Image", "fer_pb2.RawImage",
                  "fer_pb2.EncodedImage", Any]


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff used when the server is UNAVAILABLE (restarting, not yet listening...).

    Attempt k (0-based) waits min(initial * multiplier**k, maximum) seconds, with +/- jitter.
    `max_attempts` counts retries in a row without progress; 0 disables retrying.
    """

    initial: float = 0.2
    multiplier: float = 2.0
    maximum: float = 10.0
    jitter: float = 0.2
    max_attempts: int = 6

    def delay(self, attempt: int) -> float:
        base = min(self.initial * (self.multiplier ** attempt), self.maximum)
        return max(0.0, base * (1.0 + random.uniform(-self.jitter, self.jitter)))


RETRYABLE = frozenset({grpc.StatusCode.UNAVAILABLE})


def to_image(image: ImageLike) -> fer_pb2.Image:
    """Builds a fer.v1.Image from bytes, a file path, a message or a numpy array."""
    if isinstance(image, fer_pb2.Image):
        return image
    if isinstance(image, fer_pb2.EncodedImage):
        return fer_pb2.Image(encoded=image)
    if isinstance(image, fer_pb2.RawImage):
        return fer_pb2.Image(raw=image)
    if isinstance(image, (bytes, bytearray, memoryview)):
        return fer_pb2.Image(encoded=fer_pb2.EncodedImage(data=bytes(image)))
    if isinstance(image, (str, os.PathLike)):
        with open(image, "rb") as f:
            return fer_pb2.Image(encoded=fer_pb2.EncodedImage(data=f.read()))
    if hasattr(image, "shape") and hasattr(image, "tobytes"):  # numpy array, without importing numpy
        return fer_pb2.Image(raw=raw_from_array(image))
    raise TypeError(f"cannot make a fer.v1.Image from {type(image).__name__}")


def raw_from_array(array: Any, bgr: bool = True) -> fer_pb2.RawImage:
    """A RawImage from a uint8 numpy array: HxW (GRAY8), HxWx3 (BGR24, OpenCV's order, or RGB24
    when bgr=False) or HxWx4 (RGBA32). Row padding of non-contiguous arrays is kept via stride."""
    if str(getattr(array, "dtype", "uint8")) != "uint8":
        raise TypeError("raw images must be uint8")
    shape = tuple(array.shape)
    if len(shape) == 2 or (len(shape) == 3 and shape[2] == 1):
        fmt, channels = fer_pb2.GRAY8, 1
    elif len(shape) == 3 and shape[2] == 3:
        fmt, channels = (fer_pb2.BGR24 if bgr else fer_pb2.RGB24), 3
    elif len(shape) == 3 and shape[2] == 4:
        fmt, channels = fer_pb2.RGBA32, 4
    else:
        raise ValueError(f"unsupported array shape {shape}")
    height, width = shape[0], shape[1]
    data = array.tobytes()  # C order, no padding
    return fer_pb2.RawImage(data=data, format=fmt, width=width, height=height, stride=width * channels)


def request(image: ImageLike, *, frame_id: int = 0, face_crop: bool = False,
            faces: Sequence[fer_pb2.Box] = (), pipeline: str = "", variant: str = "",
            return_reference: bool = False, ground_truth: str = "",
            routing_key: str = "") -> fer_pb2.RecognizeRequest:
    """Builds a RecognizeRequest. `face_crop=True` says the whole image is one face (no detection)."""
    return fer_pb2.RecognizeRequest(
        frame_id=frame_id, image=to_image(image), faces=list(faces), face_crop=face_crop,
        pipeline=pipeline, variant=variant, return_reference=return_reference,
        ground_truth=ground_truth, routing_key=routing_key)


def frame_error(response: fer_pb2.RecognizeResponse) -> Optional[grpc.StatusCode]:
    """The status code of a failed stream frame, or None when the frame succeeded."""
    if not response.HasField("error") or response.error.code == 0:
        return None
    for code in grpc.StatusCode:
        if code.value[0] == response.error.code:
            return code
    return grpc.StatusCode.UNKNOWN


class StreamClosed(Exception):
    """Raised when a stream failed for good (not retryable, or retries exhausted)."""


class FerClient:
    """Connects to a fer server.

    >>> with FerClient("127.0.0.1:50151") as fer:
    ...     r = fer.recognize_image(open("face.jpg", "rb").read(), face_crop=True)
    ...     print(r.faces[0].label)
    """

    def __init__(self, target: str = DEFAULT_TARGET, *, credentials: Optional[grpc.ChannelCredentials] = None,
                 options: Sequence[tuple] = (), backoff: Backoff = Backoff(),
                 timeout: Optional[float] = 60.0) -> None:
        opts = [("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
                ("grpc.max_send_message_length", MAX_MESSAGE_BYTES)] + list(options)
        if credentials is None:
            self.channel = grpc.insecure_channel(target, options=opts)
        else:
            self.channel = grpc.secure_channel(target, credentials, options=opts)
        self.target = target
        self.stub = fer_pb2_grpc.RecognitionStub(self.channel)
        self.backoff = backoff
        self.timeout = timeout
        # Waits between retries (seconds); tests replace it.
        self.sleep: Callable[[float], None] = time.sleep

    # -- lifecycle -----------------------------------------------------------------------------

    def close(self) -> None:
        self.channel.close()

    def __enter__(self) -> "FerClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def wait_ready(self, timeout: float = 10.0) -> None:
        """Blocks until the channel is connected; raises grpc.FutureTimeoutError otherwise."""
        grpc.channel_ready_future(self.channel).result(timeout=timeout)

    # -- unary calls ---------------------------------------------------------------------------

    def _unary(self, method: Callable, req: Any, timeout: Optional[float]) -> Any:
        attempt = 0
        while True:
            try:
                return method(req, timeout=self.timeout if timeout is None else timeout)
            except grpc.RpcError as e:
                if e.code() not in RETRYABLE or attempt >= self.backoff.max_attempts:
                    raise
                self.sleep(self.backoff.delay(attempt))
                attempt += 1

    def recognize_image(self, image: Union[ImageLike, fer_pb2.RecognizeRequest], *,
                        timeout: Optional[float] = None, **fields: Any) -> fer_pb2.RecognizeResponse:
        """Recognises one image (unary RecognizeImage). Errors come back as grpc.RpcError.

        `image` may be a ready RecognizeRequest, or anything `request()` takes, with its keyword
        fields (face_crop, pipeline, variant, ...)."""
        req = image if isinstance(image, fer_pb2.RecognizeRequest) else request(image, **fields)
        return self._unary(self.stub.RecognizeImage, req, timeout)

    def list_pipelines(self, timeout: Optional[float] = None) -> fer_pb2.ListPipelinesResponse:
        return self._unary(self.stub.ListPipelines, fer_pb2.ListPipelinesRequest(), timeout)

    def get_pipeline(self, name: str = "", timeout: Optional[float] = None) -> fer_pb2.Pipeline:
        """A pipeline's description; the empty name is the server's default pipeline."""
        return self._unary(self.stub.GetPipeline, fer_pb2.GetPipelineRequest(name=name), timeout)

    # -- streaming -----------------------------------------------------------------------------

    def stream(self, frames: Iterable[Union[ImageLike, fer_pb2.RecognizeRequest]], *,
               max_in_flight: int = 8, drop_policy: int = fer_pb2.BLOCK,
               **fields: Any) -> Iterator[fer_pb2.RecognizeResponse]:
        """Streams frames through Recognize and yields one response per frame, in frame order.

        At most `max_in_flight` frames are sent and not yet answered; the next frame is only read
        from `frames` when a slot frees up. Plain images get frame ids 0, 1, 2, ...; ready
        RecognizeRequests keep theirs. A bad frame yields a response whose `error` is set (see
        `frame_error`) and the stream goes on. If the connection is lost (UNAVAILABLE), or a frame
        is answered UNAVAILABLE (e.g. the server is still loading its models), the client backs
        off exponentially, reconnects and re-sends the frames that were not answered yet; after
        `backoff.max_attempts` tries in a row a lost connection raises grpc.RpcError and a
        per-frame UNAVAILABLE is passed through as that frame's error.
        Closing the generator early cancels the call.
        """
        if max_in_flight < 1:
            raise ValueError("max_in_flight must be >= 1")
        counter = iter(range(1 << 62))

        def to_request(f: Any) -> fer_pb2.RecognizeRequest:
            n = next(counter)
            if isinstance(f, fer_pb2.RecognizeRequest):
                return f
            return request(f, frame_id=n, **fields)

        return _Stream(self, (to_request(f) for f in frames), max_in_flight, drop_policy).run()


class _Stream:
    """One logical stream; may span several gRPC calls when it reconnects."""

    def __init__(self, client: FerClient, source: Iterator[fer_pb2.RecognizeRequest], max_in_flight: int,
                 drop_policy: int) -> None:
        self.client = client
        self.source = source
        self.max_in_flight = max_in_flight
        self.drop_policy = drop_policy
        self.lock = threading.Lock()
        self.pull_lock = threading.Lock()
        self.pending: collections.deque = collections.deque()  # sent, not yet answered
        self.carry: list = []  # read from source while a call was failing: send on the next call
        self.exhausted = False
        self.source_error: Optional[BaseException] = None

    def _requests(self, slots: threading.Semaphore, done: threading.Event,
                  resend: list) -> Iterator[fer_pb2.RecognizeRequest]:
        first = True

        def stamp(req: fer_pb2.RecognizeRequest) -> fer_pb2.RecognizeRequest:
            nonlocal first
            if first:
                first = False
                if self.drop_policy:
                    req = fer_pb2.RecognizeRequest.FromString(req.SerializeToString())
                    req.stream_options.drop_policy = self.drop_policy
            return req

        for req in resend:  # already counted in `pending`
            if done.is_set():
                return
            yield stamp(req)
        while not done.is_set():
            if not slots.acquire(timeout=0.1):
                continue
            # One puller at a time (a call that is being torn down may still be reading a frame):
            # what it read goes to `carry` before the next call looks there, so order is kept.
            with self.pull_lock:
                with self.lock:
                    if self.carry:
                        req = self.carry.pop(0)
                    elif self.exhausted:
                        return
                    else:
                        req = None
                if req is None:
                    try:
                        req = next(self.source)
                    except StopIteration:
                        with self.lock:
                            self.exhausted = True
                        return
                    except BaseException as e:  # reading a frame failed: end the stream, report it
                        with self.lock:
                            self.exhausted = True
                            self.source_error = e
                        return
                with self.lock:
                    if done.is_set():
                        self.carry.insert(0, req)
                        return
                    self.pending.append(req)
            yield stamp(req)

    def run(self) -> Iterator[fer_pb2.RecognizeResponse]:
        attempt = 0
        while True:
            with self.lock:
                resend = list(self.pending)
                if not resend and not self.carry and self.exhausted:
                    break
            slots = threading.Semaphore(self.max_in_flight - len(resend))
            done = threading.Event()
            call = self.client.stub.Recognize(self._requests(slots, done, resend))
            try:
                for resp in call:
                    if (resp.error.code == grpc.StatusCode.UNAVAILABLE.value[0]
                            and attempt < self.client.backoff.max_attempts):
                        # The server could not take this frame just now (e.g. still loading its
                        # models): back off, reconnect and re-send it and the frames after it.
                        raise _Retry(grpc.StatusCode.UNAVAILABLE, f"frame {resp.frame_id}: {resp.error.message}")
                    attempt = 0
                    with self.lock:
                        dropped = set(resp.dropped_frame_ids)
                        if dropped:
                            kept = [r for r in self.pending if r.frame_id not in dropped]
                            for _ in range(len(self.pending) - len(kept)):
                                slots.release()
                            self.pending = collections.deque(kept)
                        if self.pending:
                            self.pending.popleft()
                            slots.release()
                    yield resp
                done.set()
                with self.lock:
                    if self.source_error is not None:
                        raise StreamClosed(f"reading frames failed: {self.source_error}") from self.source_error
                    if not self.pending and (self.exhausted and not self.carry):
                        return
                # The server ended the call while frames were outstanding: treat like a lost connection.
                raise _Retry(grpc.StatusCode.UNAVAILABLE, "stream ended with frames outstanding")
            except (grpc.RpcError, _Retry) as e:
                done.set()
                code = e.code()
                if code not in RETRYABLE or attempt >= self.client.backoff.max_attempts:
                    if isinstance(e, _Retry):
                        raise StreamClosed(e.details()) from None
                    raise
                self.client.sleep(self.client.backoff.delay(attempt))
                attempt += 1
            finally:
                done.set()
                call.cancel()


class _Retry(Exception):
    def __init__(self, code: grpc.StatusCode, details: str) -> None:
        super().__init__(details)
        self._code = code
        self._details = details

    def code(self) -> grpc.StatusCode:
        return self._code

    def details(self) -> str:
        return self._details
