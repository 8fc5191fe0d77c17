/// grpc-proto's grpc/reflection/v1alpha/reflection.proto and grpc/reflection/v1/reflection.proto:
/// the same messages in two packages, so `describe` works on the reflection services too.
extension FileDescriptor {
    public static let reflectionV1Alpha = reflection(
        version: "v1alpha",
        options: FileOptions(
            javaPackage: "io.grpc.reflection.v1alpha", javaOuterClassname: "ServerReflectionProto",
            javaMultipleFiles: true, goPackage: "google.golang.org/grpc/reflection/grpc_reflection_v1alpha",
            deprecated: true))

    public static let reflectionV1 = reflection(
        version: "v1",
        options: FileOptions(
            javaPackage: "io.grpc.reflection.v1", javaOuterClassname: "ServerReflectionProto",
            javaMultipleFiles: true, goPackage: "google.golang.org/grpc/reflection/grpc_reflection_v1"))

    private static func reflection(version: String, options: FileOptions) -> FileDescriptor {
        let pkg = "grpc.reflection.\(version)"
        func t(_ name: String) -> FieldType { .message(".\(pkg).\(name)") }
        func f(_ name: String, _ number: Int32, _ type: FieldType, oneof: Int32? = nil) -> FieldDescriptor {
            FieldDescriptor(name, number, type, oneofIndex: oneof)
        }
        let messages = [
            MessageDescriptor(
                "ServerReflectionRequest",
                fields: [
                    f("host", 1, .string), f("file_by_filename", 3, .string, oneof: 0),
                    f("file_containing_symbol", 4, .string, oneof: 0),
                    f("file_containing_extension", 5, t("ExtensionRequest"), oneof: 0),
                    f("all_extension_numbers_of_type", 6, .string, oneof: 0),
                    f("list_services", 7, .string, oneof: 0),
                ],
                oneofs: ["message_request"]),
            MessageDescriptor("ExtensionRequest", fields: [f("containing_type", 1, .string), f("extension_number", 2, .int32)]),
            MessageDescriptor(
                "ServerReflectionResponse",
                fields: [
                    f("valid_host", 1, .string), f("original_request", 2, t("ServerReflectionRequest")),
                    f("file_descriptor_response", 4, t("FileDescriptorResponse"), oneof: 0),
                    f("all_extension_numbers_response", 5, t("ExtensionNumberResponse"), oneof: 0),
                    f("list_services_response", 6, t("ListServiceResponse"), oneof: 0),
                    f("error_response", 7, t("ErrorResponse"), oneof: 0),
                ],
                oneofs: ["message_response"]),
            MessageDescriptor(
                "FileDescriptorResponse", fields: [FieldDescriptor("file_descriptor_proto", 1, .bytes, label: .repeated)]),
            MessageDescriptor(
                "ExtensionNumberResponse",
                fields: [f("base_type_name", 1, .string), FieldDescriptor("extension_number", 2, .int32, label: .repeated)]),
            MessageDescriptor("ListServiceResponse", fields: [FieldDescriptor("service", 1, t("ServiceResponse"), label: .repeated)]),
            MessageDescriptor("ServiceResponse", fields: [f("name", 1, .string)]),
            MessageDescriptor("ErrorResponse", fields: [f("error_code", 1, .int32), f("error_message", 2, .string)]),
        ]
        let service = ServiceDescriptor("ServerReflection", methods: [
            MethodDescriptor(
                "ServerReflectionInfo", ".\(pkg).ServerReflectionRequest", ".\(pkg).ServerReflectionResponse",
                clientStreaming: true, serverStreaming: true),
        ])
        return FileDescriptor(
            name: "grpc/reflection/\(version)/reflection.proto", package: pkg, messages: messages,
            services: [service], options: options)
    }
}
