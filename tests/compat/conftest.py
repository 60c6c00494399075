"""Fixtures for the Open Inference Protocol compatibility tests.

The server under test runs elsewhere: FER_TARGET (host:port, default 127.0.0.1:50161). Faces
come from FER_DATA (default <repo>/../shared/data, the 48x48 FER2013 validation crops).
fer.v1 stubs are generated here with grpcio-tools into .gen/ so they match the installed
protobuf runtime.
"""
import os
import subprocess
import sys
from pathlib import Path

import grpc
import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
GEN = HERE / ".gen"
TARGET = os.environ.get("FER_TARGET", "127.0.0.1:50161")
DATA = Path(os.environ.get("FER_DATA", REPO.parent / "shared" / "data"))

# FER2013 folder names -> canonical class names (models/README.md).
CANONICAL = {"angry": "anger", "disgust": "disgust", "fear": "fear", "happy": "happiness",
             "neutral": "neutral", "sad": "sadness", "surprise": "surprise"}


def _protoc(*args):
    from grpc_tools import protoc
    import grpc_tools
    include = Path(grpc_tools.__file__).parent / "_proto"
    common = Path(__import__("google.rpc.status_pb2", fromlist=["x"]).__file__).parent.parent.parent
    code = protoc.main(["protoc", f"-I{REPO / 'proto'}", f"-I{include}", f"-I{common}", *args])
    assert code == 0, f"protoc {' '.join(args)} failed"


def fer_v1_stubs():
    """fer_pb2, fer_pb2_grpc for proto/fer/v1/fer.proto, built once into .gen/."""
    GEN.mkdir(exist_ok=True)
    if not (GEN / "fer" / "v1" / "fer_pb2_grpc.py").exists():
        _protoc(f"--python_out={GEN}", f"--grpc_python_out={GEN}", "fer/v1/fer.proto")
    if str(GEN) not in sys.path:
        sys.path.insert(0, str(GEN))
    from fer.v1 import fer_pb2, fer_pb2_grpc
    return fer_pb2, fer_pb2_grpc


def inference_descriptor_set() -> Path:
    """Our proto/inference/*.proto as a FileDescriptorSet (never imported: tritonclient already
    registers the `inference` package in this process)."""
    GEN.mkdir(exist_ok=True)
    out = GEN / "inference.pb"
    _protoc(f"--descriptor_set_out={out}", "--include_imports",
            "inference/grpc_service.proto", "inference/model_config.proto")
    return out


@pytest.fixture(scope="session")
def target():
    return TARGET


@pytest.fixture(scope="session")
def triton(target):
    import tritonclient.grpc as grpcclient
    client = grpcclient.InferenceServerClient(url=target)
    yield client
    client.close()


@pytest.fixture(scope="session")
def fer_v1(target):
    fer_pb2, fer_pb2_grpc = fer_v1_stubs()
    channel = grpc.insecure_channel(target)
    yield fer_pb2, fer_pb2_grpc.RecognitionStub(channel)
    channel.close()


@pytest.fixture(scope="session")
def pipeline(fer_v1):
    fer_pb2, stub = fer_v1
    return stub.GetPipeline(fer_pb2.GetPipelineRequest(name=""), timeout=30)


@pytest.fixture(scope="session")
def faces():
    """[(path, canonical label)]: the first 3 validation faces of every FER2013 class."""
    root = DATA / "fer2013" / "validation"
    if not root.is_dir():
        pytest.skip(f"no face data at {root} (set FER_DATA)")
    out = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        for f in sorted(folder.iterdir())[:3]:
            out.append((f, CANONICAL.get(folder.name, folder.name)))
    return out
