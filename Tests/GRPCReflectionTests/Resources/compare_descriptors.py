"""Compares GRPCReflection's hand-built FileDescriptorProtos with what protoc makes of the same
.proto text. stdin: one "<file name> <hex bytes>" line per file; argv[1]: the repository root.
Prints "OK <name>" per match, a text_format diff per mismatch; exits 1 on any mismatch."""
import difflib
import os
import subprocess
import sys
import tempfile

from google.protobuf import descriptor_pb2, text_format

HEALTH = """syntax = "proto3";
package grpc.health.v1;
option csharp_namespace = "Grpc.Health.V1";
option go_package = "google.golang.org/grpc/health/grpc_health_v1";
option java_multiple_files = true;
option java_outer_classname = "HealthProto";
option java_package = "io.grpc.health.v1";
option objc_class_prefix = "GrpcHealthV1";
message HealthCheckRequest {
  string service = 1;
}
message HealthCheckResponse {
  enum ServingStatus {
    UNKNOWN = 0;
    SERVING = 1;
    NOT_SERVING = 2;
    SERVICE_UNKNOWN = 3;
  }
  ServingStatus status = 1;
}
service Health {
  rpc Check(HealthCheckRequest) returns (HealthCheckResponse);
  rpc Watch(HealthCheckRequest) returns (stream HealthCheckResponse);
}
"""

REFLECTION = """syntax = "proto3";
package grpc.reflection.%(version)s;
%(options)s
service ServerReflection {
  rpc ServerReflectionInfo(stream ServerReflectionRequest)
      returns (stream ServerReflectionResponse);
}
message ServerReflectionRequest {
  string host = 1;
  oneof message_request {
    string file_by_filename = 3;
    string file_containing_symbol = 4;
    ExtensionRequest file_containing_extension = 5;
    string all_extension_numbers_of_type = 6;
    string list_services = 7;
  }
}
message ExtensionRequest {
  string containing_type = 1;
  int32 extension_number = 2;
}
message ServerReflectionResponse {
  string valid_host = 1;
  ServerReflectionRequest original_request = 2;
  oneof message_response {
    FileDescriptorResponse file_descriptor_response = 4;
    ExtensionNumberResponse all_extension_numbers_response = 5;
    ListServiceResponse list_services_response = 6;
    ErrorResponse error_response = 7;
  }
}
message FileDescriptorResponse {
  repeated bytes file_descriptor_proto = 1;
}
message ExtensionNumberResponse {
  string base_type_name = 1;
  repeated int32 extension_number = 2;
}
message ListServiceResponse {
  repeated ServiceResponse service = 1;
}
message ServiceResponse {
  string name = 1;
}
message ErrorResponse {
  int32 error_code = 1;
  string error_message = 2;
}
"""

V1ALPHA_OPTIONS = """option deprecated = true;
option go_package = "google.golang.org/grpc/reflection/grpc_reflection_v1alpha";
option java_multiple_files = true;
option java_package = "io.grpc.reflection.v1alpha";
option java_outer_classname = "ServerReflectionProto";"""

V1_OPTIONS = """option go_package = "google.golang.org/grpc/reflection/grpc_reflection_v1";
option java_multiple_files = true;
option java_package = "io.grpc.reflection.v1";
option java_outer_classname = "ServerReflectionProto";"""

# grpc-proto's files, comments dropped (they only reach source_code_info, which is cleared).
TEXTS = {
    "grpc/health/v1/health.proto": HEALTH,
    "grpc/reflection/v1alpha/reflection.proto": REFLECTION % {"version": "v1alpha", "options": V1ALPHA_OPTIONS},
    "grpc/reflection/v1/reflection.proto": REFLECTION % {"version": "v1", "options": V1_OPTIONS},
}


def protoc(include_dir, name, out_dir):
    out = os.path.join(out_dir, name.replace("/", "_") + ".pb")
    subprocess.run(
        [sys.executable, "-m", "grpc_tools.protoc", "--descriptor_set_out=" + out, "--include_imports",
         "-I", include_dir, os.path.join(include_dir, name)],
        check=True)
    fds = descriptor_pb2.FileDescriptorSet()
    with open(out, "rb") as f:
        fds.ParseFromString(f.read())
    for file in fds.file:
        if file.name == name:
            return file
    raise SystemExit("protoc produced no " + name)


def main():
    root = sys.argv[1]
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "src")
        for name, text in TEXTS.items():
            path = os.path.join(src, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(text)
        for line in sys.stdin.read().split("\n"):
            if not line.strip():
                continue
            name, hexed = line.split(" ", 1)
            ours = descriptor_pb2.FileDescriptorProto()
            ours.ParseFromString(bytes.fromhex(hexed.strip()))
            include = os.path.join(root, "Protos") if name == "gateway.proto" else src
            if name != "gateway.proto" and name not in TEXTS:
                print("UNKNOWN " + name)
                failed = True
                continue
            theirs = protoc(include, name, tmp)
            theirs.ClearField("source_code_info")
            if ours == theirs:
                print("OK " + name)
                # Informational: field order on the wire may legitimately differ.
                if theirs.SerializeToString() == bytes.fromhex(hexed.strip()):
                    print("BYTES-IDENTICAL " + name)
                continue
            failed = True
            print("MISMATCH " + name)
            diff = difflib.unified_diff(
                text_format.MessageToString(theirs).splitlines(),
                text_format.MessageToString(ours).splitlines(),
                "protoc", "swift", lineterm="")
            print("\n".join(diff))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
