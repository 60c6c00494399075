from google.rpc import status_pb2 as _status_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PixelFormat(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PIXEL_FORMAT_UNSPECIFIED: _ClassVar[PixelFormat]
    GRAY8: _ClassVar[PixelFormat]
    RGB24: _ClassVar[PixelFormat]
    BGR24: _ClassVar[PixelFormat]
    RGBA32: _ClassVar[PixelFormat]

class DropPolicy(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DROP_POLICY_UNSPECIFIED: _ClassVar[DropPolicy]
    BLOCK: _ClassVar[DropPolicy]
    LATEST: _ClassVar[DropPolicy]
PIXEL_FORMAT_UNSPECIFIED: PixelFormat
GRAY8: PixelFormat
RGB24: PixelFormat
BGR24: PixelFormat
RGBA32: PixelFormat
DROP_POLICY_UNSPECIFIED: DropPolicy
BLOCK: DropPolicy
LATEST: DropPolicy

class EncodedImage(_message.Message):
    __slots__ = ("data",)
    DATA_FIELD_NUMBER: _ClassVar[int]
    data: bytes
    def __init__(self, data: _Optional[bytes] = ...) -> None: ...

class RawImage(_message.Message):
    __slots__ = ("data", "format", "width", "height", "stride")
    DATA_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    WIDTH_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    STRIDE_FIELD_NUMBER: _ClassVar[int]
    data: bytes
    format: PixelFormat
    width: int
    height: int
    stride: int
    def __init__(self, data: _Optional[bytes] = ..., format: _Optional[_Union[PixelFormat, str]] = ..., width: _Optional[int] = ..., height: _Optional[int] = ..., stride: _Optional[int] = ...) -> None: ...

class Image(_message.Message):
    __slots__ = ("encoded", "raw")
    ENCODED_FIELD_NUMBER: _ClassVar[int]
    RAW_FIELD_NUMBER: _ClassVar[int]
    encoded: EncodedImage
    raw: RawImage
    def __init__(self, encoded: _Optional[_Union[EncodedImage, _Mapping]] = ..., raw: _Optional[_Union[RawImage, _Mapping]] = ...) -> None: ...

class Box(_message.Message):
    __slots__ = ("x", "y", "width", "height", "score")
    X_FIELD_NUMBER: _ClassVar[int]
    Y_FIELD_NUMBER: _ClassVar[int]
    WIDTH_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    x: float
    y: float
    width: float
    height: float
    score: float
    def __init__(self, x: _Optional[float] = ..., y: _Optional[float] = ..., width: _Optional[float] = ..., height: _Optional[float] = ..., score: _Optional[float] = ...) -> None: ...

class StreamOptions(_message.Message):
    __slots__ = ("drop_policy",)
    DROP_POLICY_FIELD_NUMBER: _ClassVar[int]
    drop_policy: DropPolicy
    def __init__(self, drop_policy: _Optional[_Union[DropPolicy, str]] = ...) -> None: ...

class RecognizeRequest(_message.Message):
    __slots__ = ("frame_id", "image", "faces", "face_crop", "pipeline", "variant", "return_reference", "ground_truth", "routing_key", "stream_options")
    FRAME_ID_FIELD_NUMBER: _ClassVar[int]
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    FACES_FIELD_NUMBER: _ClassVar[int]
    FACE_CROP_FIELD_NUMBER: _ClassVar[int]
    PIPELINE_FIELD_NUMBER: _ClassVar[int]
    VARIANT_FIELD_NUMBER: _ClassVar[int]
    RETURN_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    GROUND_TRUTH_FIELD_NUMBER: _ClassVar[int]
    ROUTING_KEY_FIELD_NUMBER: _ClassVar[int]
    STREAM_OPTIONS_FIELD_NUMBER: _ClassVar[int]
    frame_id: int
    image: Image
    faces: _containers.RepeatedCompositeFieldContainer[Box]
    face_crop: bool
    pipeline: str
    variant: str
    return_reference: bool
    ground_truth: str
    routing_key: str
    stream_options: StreamOptions
    def __init__(self, frame_id: _Optional[int] = ..., image: _Optional[_Union[Image, _Mapping]] = ..., faces: _Optional[_Iterable[_Union[Box, _Mapping]]] = ..., face_crop: _Optional[bool] = ..., pipeline: _Optional[str] = ..., variant: _Optional[str] = ..., return_reference: _Optional[bool] = ..., ground_truth: _Optional[str] = ..., routing_key: _Optional[str] = ..., stream_options: _Optional[_Union[StreamOptions, _Mapping]] = ...) -> None: ...

class ClassScore(_message.Message):
    __slots__ = ("label", "score")
    LABEL_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    label: str
    score: float
    def __init__(self, label: _Optional[str] = ..., score: _Optional[float] = ...) -> None: ...

class FaceResult(_message.Message):
    __slots__ = ("box", "label", "confidence", "scores", "reference_png")
    BOX_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    SCORES_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_PNG_FIELD_NUMBER: _ClassVar[int]
    box: Box
    label: str
    confidence: float
    scores: _containers.RepeatedCompositeFieldContainer[ClassScore]
    reference_png: bytes
    def __init__(self, box: _Optional[_Union[Box, _Mapping]] = ..., label: _Optional[str] = ..., confidence: _Optional[float] = ..., scores: _Optional[_Iterable[_Union[ClassScore, _Mapping]]] = ..., reference_png: _Optional[bytes] = ...) -> None: ...

class StageTiming(_message.Message):
    __slots__ = ("stage", "millis")
    STAGE_FIELD_NUMBER: _ClassVar[int]
    MILLIS_FIELD_NUMBER: _ClassVar[int]
    stage: str
    millis: float
    def __init__(self, stage: _Optional[str] = ..., millis: _Optional[float] = ...) -> None: ...

class RecognizeResponse(_message.Message):
    __slots__ = ("frame_id", "error", "faces", "pipeline", "variant", "timings", "dropped_frame_ids", "image_width", "image_height")
    FRAME_ID_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    FACES_FIELD_NUMBER: _ClassVar[int]
    PIPELINE_FIELD_NUMBER: _ClassVar[int]
    VARIANT_FIELD_NUMBER: _ClassVar[int]
    TIMINGS_FIELD_NUMBER: _ClassVar[int]
    DROPPED_FRAME_IDS_FIELD_NUMBER: _ClassVar[int]
    IMAGE_WIDTH_FIELD_NUMBER: _ClassVar[int]
    IMAGE_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    frame_id: int
    error: _status_pb2.Status
    faces: _containers.RepeatedCompositeFieldContainer[FaceResult]
    pipeline: str
    variant: str
    timings: _containers.RepeatedCompositeFieldContainer[StageTiming]
    dropped_frame_ids: _containers.RepeatedScalarFieldContainer[int]
    image_width: int
    image_height: int
    def __init__(self, frame_id: _Optional[int] = ..., error: _Optional[_Union[_status_pb2.Status, _Mapping]] = ..., faces: _Optional[_Iterable[_Union[FaceResult, _Mapping]]] = ..., pipeline: _Optional[str] = ..., variant: _Optional[str] = ..., timings: _Optional[_Iterable[_Union[StageTiming, _Mapping]]] = ..., dropped_frame_ids: _Optional[_Iterable[int]] = ..., image_width: _Optional[int] = ..., image_height: _Optional[int] = ...) -> None: ...

class ListPipelinesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListPipelinesResponse(_message.Message):
    __slots__ = ("pipelines", "default_pipeline")
    PIPELINES_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_PIPELINE_FIELD_NUMBER: _ClassVar[int]
    pipelines: _containers.RepeatedCompositeFieldContainer[Pipeline]
    default_pipeline: str
    def __init__(self, pipelines: _Optional[_Iterable[_Union[Pipeline, _Mapping]]] = ..., default_pipeline: _Optional[str] = ...) -> None: ...

class GetPipelineRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ModelInfo(_message.Message):
    __slots__ = ("stage", "name", "version", "variant", "card_json")
    STAGE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    VARIANT_FIELD_NUMBER: _ClassVar[int]
    CARD_JSON_FIELD_NUMBER: _ClassVar[int]
    stage: str
    name: str
    version: str
    variant: str
    card_json: str
    def __init__(self, stage: _Optional[str] = ..., name: _Optional[str] = ..., version: _Optional[str] = ..., variant: _Optional[str] = ..., card_json: _Optional[str] = ...) -> None: ...

class Pipeline(_message.Message):
    __slots__ = ("name", "classes", "input_width", "input_height", "models", "variants", "active_variant")
    NAME_FIELD_NUMBER: _ClassVar[int]
    CLASSES_FIELD_NUMBER: _ClassVar[int]
    INPUT_WIDTH_FIELD_NUMBER: _ClassVar[int]
    INPUT_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    MODELS_FIELD_NUMBER: _ClassVar[int]
    VARIANTS_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_VARIANT_FIELD_NUMBER: _ClassVar[int]
    name: str
    classes: _containers.RepeatedScalarFieldContainer[str]
    input_width: int
    input_height: int
    models: _containers.RepeatedCompositeFieldContainer[ModelInfo]
    variants: _containers.RepeatedScalarFieldContainer[str]
    active_variant: str
    def __init__(self, name: _Optional[str] = ..., classes: _Optional[_Iterable[str]] = ..., input_width: _Optional[int] = ..., input_height: _Optional[int] = ..., models: _Optional[_Iterable[_Union[ModelInfo, _Mapping]]] = ..., variants: _Optional[_Iterable[str]] = ..., active_variant: _Optional[str] = ...) -> None: ...
