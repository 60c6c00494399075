"""Where the tests find the server and the face data.

FER_TARGET (host:port) names the server. When it is set the server must answer: the tests fail
otherwise. When it is unset the tests try 127.0.0.1:50151 and skip, saying why, if nothing listens.
FER_DATA names the data folder holding fer2013/validation/<class>/*.jpg (default: ../shared/data
beside the repository root).
"""

import os
import pathlib

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from fer_client import DEFAULT_TARGET, FerClient

REPO_ROOT = pathlib.Path(__file__).resolve().parents[3]


def _target():
    explicit = os.environ.get("FER_TARGET", "").strip()
    return (explicit or DEFAULT_TARGET), bool(explicit)


@pytest.fixture(scope="session")
def target():
    addr, explicit = _target()
    channel = grpc.insecure_channel(addr)
    try:
        health = health_pb2_grpc.HealthStub(channel)
        resp = health.Check(health_pb2.HealthCheckRequest(service=""), timeout=10, wait_for_ready=explicit)
        if resp.status != health_pb2.HealthCheckResponse.SERVING:
            pytest.fail(f"fer server at {addr} is not SERVING (health status {resp.status})")
    except grpc.RpcError as e:
        msg = f"fer server at {addr} unreachable: {e.code().name} {e.details()}"
        if explicit:
            pytest.fail(msg + " (FER_TARGET is set, so this is a failure)")
        pytest.skip(msg + " (set FER_TARGET=host:port to run these tests against a server)")
    finally:
        channel.close()
    return addr


@pytest.fixture(scope="session")
def client(target):
    with FerClient(target) as c:
        yield c


@pytest.fixture(scope="session")
def pipeline(client):
    return client.get_pipeline("")


@pytest.fixture(scope="session")
def faces():
    """The first 2 validation crops of each FER2013 class folder, as (class folder, bytes)."""
    root = pathlib.Path(os.environ.get("FER_DATA", REPO_ROOT.parent / "shared" / "data")) / "fer2013" / "validation"
    if not root.is_dir():
        pytest.skip(f"no face crops at {root} (set FER_DATA to the folder holding fer2013/validation)")
    out = []
    for d in sorted(p for p in root.iterdir() if p.is_dir()):
        for f in sorted(d.glob("*.jpg"))[:2]:
            out.append((d.name, f.read_bytes()))
    if not out:
        pytest.skip(f"no *.jpg face crops under {root}")
    return out


@pytest.fixture(scope="session")
def samples():
    d = REPO_ROOT / "samples" / "faces"
    return sorted(p for p in d.glob("*") if p.suffix.lower() in (".jpg", ".jpeg", ".png")) if d.is_dir() else []
