"""The committed stubs must match proto/fer/v1/fer.proto (run scripts/gen_stubs.sh after a change)."""

import hashlib
import pathlib

import pytest

import fer_client

PROTO = pathlib.Path(__file__).resolve().parents[3] / "proto" / "fer" / "v1" / "fer.proto"


def test_stubs_generated_from_current_proto():
    if not PROTO.is_file():
        pytest.skip(f"{PROTO} not found (installed outside the repository)")
    recorded = (pathlib.Path(fer_client.__file__).parent / "v1" / "fer.proto.sha256").read_text().strip()
    assert hashlib.sha256(PROTO.read_bytes()).hexdigest() == recorded, \
        "fer.proto changed: regenerate with clients/python/scripts/gen_stubs.sh"


def test_service_descriptor():
    svc = fer_client.fer_pb2.DESCRIPTOR.services_by_name["Recognition"]
    assert [m.name for m in svc.methods] == ["Recognize", "RecognizeImage", "ListPipelines", "GetPipeline"]
