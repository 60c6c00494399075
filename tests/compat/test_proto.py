"""proto/inference/*.proto against the descriptors tritonclient ships: every message, field and
method we declare has the standard name, number, type and label, so stock clients interoperate."""
from google.protobuf import descriptor_pb2
from tritonclient.grpc import model_config_pb2, service_pb2

from conftest import inference_descriptor_set


def _messages(file_proto, prefix=""):
    for m in file_proto.message_type if hasattr(file_proto, "message_type") else file_proto.nested_type:
        yield prefix + m.name, m
        yield from _messages(m, prefix + m.name + ".")


def _standard():
    out = {}
    for module in (service_pb2, model_config_pb2):
        fp = descriptor_pb2.FileDescriptorProto()
        module.DESCRIPTOR.CopyToProto(fp)
        out.update(dict(_messages(fp)))
    return out


def test_messages_and_fields_match_the_standard_proto():
    fds = descriptor_pb2.FileDescriptorSet()
    fds.ParseFromString(inference_descriptor_set().read_bytes())
    standard = _standard()
    ours = [f for f in fds.file if f.package == "inference"]
    assert len(ours) == 2
    checked = 0
    for f in ours:
        for name, message in _messages(f):
            assert name in standard, f"{name} is not a standard message"
            fields = {x.name: x for x in standard[name].field}
            for field in message.field:
                assert field.name in fields, f"{name}.{field.name} is not a standard field"
                std = fields[field.name]
                assert (field.number, field.type, field.label) == (std.number, std.type, std.label), \
                    f"{name}.{field.name}"
                checked += 1
    assert checked > 80


def test_service_methods_match_the_standard_service():
    fds = descriptor_pb2.FileDescriptorSet()
    fds.ParseFromString(inference_descriptor_set().read_bytes())
    ours = next(s for f in fds.file if f.package == "inference" for s in f.service)
    fp = descriptor_pb2.FileDescriptorProto()
    service_pb2.DESCRIPTOR.CopyToProto(fp)
    standard = {m.name: m for m in fp.service[0].method}
    assert ours.name == fp.service[0].name == "GRPCInferenceService"
    for m in ours.method:
        std = standard[m.name]
        assert (m.input_type, m.output_type, m.client_streaming, m.server_streaming) == \
            (std.input_type, std.output_type, std.client_streaming, std.server_streaming), m.name
    for required in ("ServerLive", "ServerReady", "ModelReady", "ServerMetadata", "ModelMetadata",
                     "ModelInfer", "ModelStreamInfer"):
        assert required in [m.name for m in ours.method]
