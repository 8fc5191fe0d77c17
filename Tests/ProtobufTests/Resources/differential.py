"""The Python side of ProtobufTests' differential test: google.protobuf's own codec as the oracle.

    differential.py decode                < [{"type": "EmbedRequest", "hex": "0a03..."}, ...]
    differential.py encode COUNT SEED     # COUNT random messages of every type

Both print one JSON list. `decode` answers each case with {"json": <MessageToDict>} or
{"error": "..."}; `encode` prints {"type", "hex", "json"} per message. Protos/gateway.proto is
compiled with grpc_tools.protoc into a temporary directory on every run, so there is no generated
code to keep in step with the contract.
"""

import inspect
import json
import os
import random
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PROTO_DIR = os.path.normpath(os.path.join(HERE, "..", "..", "..", "Protos"))

TYPES = [
    "EmbedRequest", "Embedding", "EmbedResponse", "SearchRequest", "ScoredPoint", "SearchResponse",
    "Point", "IngestRequest", "IngestResponse", "GetBatchRequest", "BatchStatus",
    "PatternStatusRequest", "ModelStatus", "PatternStatus",
    "ChatMessage", "GenerateRequest", "Usage", "GenerateResponse", "GenerateChunk",
]


def load_module(tmp):
    subprocess.run(
        [sys.executable, "-m", "grpc_tools.protoc", "-I", PROTO_DIR, "--python_out", tmp,
         os.path.join(PROTO_DIR, "gateway.proto")],
        check=True)
    sys.path.insert(0, tmp)
    import gateway_pb2
    return gateway_pb2


def to_dict(message):
    from google.protobuf import json_format
    # protobuf 5.26 renamed including_default_value_fields; both mean "print defaults", which
    # the Swift side never does, so ask for False under whichever name this version has.
    params = inspect.signature(json_format.MessageToDict).parameters
    kwargs = {"preserving_proto_field_name": True}
    if "always_print_fields_with_no_presence" in params:
        kwargs["always_print_fields_with_no_presence"] = False
    elif "including_default_value_fields" in params:
        kwargs["including_default_value_fields"] = False
    return json_format.MessageToDict(message, **kwargs)


# MARK: random messages

class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def count(self, top):
        return self.r.randint(0, top)

    def maybe(self, value, default):
        # Half the fields stay at their default so omission is exercised as much as presence.
        return value if self.r.random() < 0.5 else default

    def string(self):
        ranges = [(0x00, 0x7F), (0x80, 0x7FF), (0x800, 0xD7FF), (0xE000, 0xFFFF), (0x10000, 0x10FFFF)]
        out = []
        for _ in range(self.count(8)):
            lo, hi = self.r.choice(ranges)
            out.append(chr(self.r.randint(lo, hi)))
        return "".join(out)

    def float32(self):
        # NaN and infinities are left out: MessageToDict renders them as strings and NaN never
        # compares equal, while their bits take the same fixed32 path as every other value.
        kind = self.r.randrange(6)
        if kind == 0:
            v = self.r.choice([0.0, -0.0, 1.0, -1.0])
        elif kind == 1:
            v = struct.unpack("<f", struct.pack("<I", self.r.randint(1, 0x7FFFFF)))[0]  # subnormal
        elif kind == 2:
            v = self.r.choice([3.4028234663852886e38, -3.4028234663852886e38, 1.1754943508222875e-38])
        elif kind == 3:
            v = self.r.uniform(-1.0, 1.0)
        else:
            while True:
                v = struct.unpack("<f", struct.pack("<I", self.r.getrandbits(32)))[0]
                if v == v and abs(v) != float("inf"):
                    break
        return struct.unpack("<f", struct.pack("<f", v))[0]

    def double(self):
        kind = self.r.randrange(4)
        if kind == 0:
            return self.r.choice([0.0, -0.0, 5e-324, 1.7976931348623157e308, -2.5])
        if kind == 1:
            return self.r.uniform(0, 10000)
        while True:
            v = struct.unpack("<d", struct.pack("<Q", self.r.getrandbits(64)))[0]
            if v == v and abs(v) != float("inf"):
                return v

    def int32(self):
        return self.r.choice([-(2**31), -1, 1, 2**31 - 1, self.r.randint(-(2**31), 2**31 - 1)])

    def uint32(self):
        return self.r.choice([1, 127, 128, 2**32 - 1, self.r.randint(0, 2**32 - 1)])

    def uint64(self):
        return self.r.choice([1, 2**63, 2**64 - 1, self.r.randint(0, 2**64 - 1)])

    def floats(self, field):
        field.extend(self.float32() for _ in range(self.count(6)))

    def strings(self, field):
        field.extend(self.string() for _ in range(self.count(4)))

    def map(self, field):
        for _ in range(self.count(4)):
            field[self.string()] = self.string()

    def fill(self, pb, name, m):
        if name == "EmbedRequest":
            m.model = self.maybe(self.string(), ""); self.strings(m.texts)
            m.urgent = self.maybe(True, False); m.priority = self.maybe(self.int32(), 0)
        elif name == "Embedding":
            self.floats(m.values)
        elif name == "EmbedResponse":
            m.model = self.maybe(self.string(), ""); m.pattern = self.maybe(self.string(), "")
            m.processing_mode = self.maybe(self.string(), ""); m.status = self.maybe(self.string(), "")
            for _ in range(self.count(3)):
                self.floats(m.embeddings.add().values)
            m.batch_id = self.maybe(self.string(), ""); m.queue_position = self.maybe(self.int32(), 0)
            m.estimated_completion = self.maybe(self.string(), "")
            m.processing_time_ms = self.maybe(self.double(), 0.0); m.cached = self.maybe(True, False)
            m.endpoint = self.maybe(self.string(), ""); m.degraded = self.maybe(True, False)
        elif name == "SearchRequest":
            m.model = self.maybe(self.string(), ""); self.floats(m.query_vector)
            m.query = self.maybe(self.string(), ""); m.limit = self.maybe(self.uint32(), 0)
            self.map(m.filter); m.score_threshold = self.maybe(self.float32(), 0.0)
        elif name == "ScoredPoint":
            m.id = self.maybe(self.string(), ""); m.score = self.maybe(self.float32(), 0.0); self.map(m.payload)
        elif name == "SearchResponse":
            m.model = self.maybe(self.string(), "")
            for _ in range(self.count(3)):
                self.fill(pb, "ScoredPoint", m.results.add())
            m.cached = self.maybe(True, False); m.took_ms = self.maybe(self.double(), 0.0)
        elif name == "Point":
            m.id = self.maybe(self.string(), ""); self.floats(m.vector); self.map(m.payload)
        elif name == "IngestRequest":
            m.model = self.maybe(self.string(), "")
            for _ in range(self.count(3)):
                self.fill(pb, "Point", m.points.add())
        elif name == "IngestResponse":
            m.model = self.maybe(self.string(), ""); m.ingested = self.maybe(self.uint32(), 0); self.strings(m.ids)
        elif name == "GetBatchRequest":
            m.batch_id = self.maybe(self.string(), "")
        elif name == "BatchStatus":
            m.batch_id = self.maybe(self.string(), ""); m.model = self.maybe(self.string(), "")
            m.status = self.maybe(self.string(), ""); m.items_count = self.maybe(self.uint32(), 0)
            m.completed_items = self.maybe(self.uint32(), 0)
            for _ in range(self.count(3)):
                self.floats(m.embeddings.add().values)
            m.error = self.maybe(self.string(), ""); m.attempts = self.maybe(self.uint32(), 0)
            m.queued_at = self.maybe(self.string(), ""); m.completed_at = self.maybe(self.string(), "")
            for _ in range(self.count(2)):
                self.fill(pb, "GenerateResponse", m.outputs.add())
        elif name == "PatternStatusRequest":
            pass
        elif name == "ModelStatus":
            m.name = self.maybe(self.string(), ""); m.pattern = self.maybe(self.string(), "")
            m.breaker_state = self.maybe(self.string(), ""); m.failure_count = self.maybe(self.uint32(), 0)
            m.requests = self.maybe(self.uint64(), 0); m.success_rate = self.maybe(self.double(), 0.0)
            m.avg_response_time_ms = self.maybe(self.double(), 0.0)
            m.queue_depth = self.maybe(self.uint32(), 0); m.cache_hit_ratio = self.maybe(self.double(), 0.0)
        elif name == "PatternStatus":
            for _ in range(self.count(3)):
                self.fill(pb, "ModelStatus", m.models.add())
        elif name == "ChatMessage":
            m.role = self.maybe(self.string(), ""); m.content = self.maybe(self.string(), "")
        elif name == "GenerateRequest":
            m.model = self.maybe(self.string(), ""); m.prompt = self.maybe(self.string(), "")
            for _ in range(self.count(3)):
                self.fill(pb, "ChatMessage", m.messages.add())
            m.max_tokens = self.maybe(self.uint32(), 0); m.temperature = self.maybe(self.float32(), 0.0)
            m.top_p = self.maybe(self.float32(), 0.0); self.strings(m.stop); m.urgent = self.maybe(True, False)
            m.priority = self.maybe(self.int32(), 0); m.seed = self.maybe(self.uint64(), 0)
        elif name == "Usage":
            m.prompt_tokens = self.maybe(self.uint32(), 0); m.completion_tokens = self.maybe(self.uint32(), 0)
            m.total_tokens = self.maybe(self.uint32(), 0)
        elif name in ("GenerateResponse", "GenerateChunk"):
            if name == "GenerateResponse":
                m.model = self.maybe(self.string(), ""); m.pattern = self.maybe(self.string(), "")
                m.processing_mode = self.maybe(self.string(), ""); m.status = self.maybe(self.string(), "")
            m.text = self.maybe(self.string(), ""); m.finish_reason = self.maybe(self.string(), "")
            # usage: absent, present and empty, or filled (a singular message field has presence)
            kind = self.r.randrange(3)
            if kind == 1:
                m.usage.SetInParent()
            elif kind == 2:
                self.fill(pb, "Usage", m.usage)
            if name == "GenerateResponse":
                m.batch_id = self.maybe(self.string(), ""); m.processing_time_ms = self.maybe(self.double(), 0.0)
                m.endpoint = self.maybe(self.string(), ""); m.cached = self.maybe(True, False)
        else:
            raise ValueError(name)


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    with tempfile.TemporaryDirectory() as tmp:
        pb = load_module(tmp)
        if mode == "decode":
            out = []
            for case in json.load(sys.stdin):
                message = getattr(pb, case["type"])()
                try:
                    message.ParseFromString(bytes.fromhex(case["hex"]))
                    out.append({"json": to_dict(message)})
                except Exception as e:  # a parse failure is an answer the Swift side reports
                    out.append({"error": repr(e)})
        elif mode == "encode":
            count, seed = int(sys.argv[2]), int(sys.argv[3])
            gen = Gen(seed)
            out = []
            for name in TYPES:
                for _ in range(count):
                    message = getattr(pb, name)()
                    gen.fill(pb, name, message)
                    out.append({"type": name, "hex": message.SerializeToString().hex(), "json": to_dict(message)})
        else:
            sys.exit(__doc__)
    json.dump(out, sys.stdout, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
