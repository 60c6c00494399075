"""Python client for the fer.v1 facial-expression-recognition gRPC API.

    from fer_client import FerClient
    with FerClient("127.0.0.1:50151") as fer:
        print(fer.recognize_image(open("face.jpg", "rb").read(), face_crop=True).faces[0].label)
"""

from .client import (DEFAULT_TARGET, Backoff, FerClient, StreamClosed, frame_error, raw_from_array, request,
                     to_image)
from .v1 import fer_pb2, fer_pb2_grpc

__all__ = ["DEFAULT_TARGET", "Backoff", "FerClient", "StreamClosed", "fer_pb2", "fer_pb2_grpc", "frame_error",
           "raw_from_array", "request", "to_image"]
__version__ = "0.1.0"
