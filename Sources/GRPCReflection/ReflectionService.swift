import Protobuf

/// Answers grpc.reflection ServerReflectionInfo messages, one request message in, one response
/// message out; the gRPC layer owns the stream and calls `answer` for each message as it
/// arrives. v1 and v1alpha share the wire format, so one instance serves both.
public struct ReflectionService: Sendable {
    public static let v1alphaPath = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"
    public static let v1Path = "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"

    /// grpc::StatusCode values carried in error_response.
    public static let invalidArgument: Int32 = 3
    public static let notFound: Int32 = 5

    public let services: [String]
    public let index: SymbolIndex
    private let encodedFiles: [String: [UInt8]]
    private let dependencies: [String: [String]]

    /// `services` are the names `list` shows; `files` must include every dependency they import.
    public init(files: [FileDescriptor], services: [String]) {
        self.services = services.sorted()
        index = SymbolIndex(files)
        var encoded: [String: [UInt8]] = [:]
        var deps: [String: [String]] = [:]
        for f in files {
            encoded[f.name] = f.encoded()
            deps[f.name] = f.dependencies
        }
        encodedFiles = encoded
        dependencies = deps
    }

    /// The gateway's four services: PatternService, Health and both reflection versions.
    public static let gatewayDefault = ReflectionService(
        files: [.gateway, .health, .reflectionV1Alpha, .reflectionV1],
        services: [
            "gateway.PatternService", "grpc.health.v1.Health", "grpc.reflection.v1alpha.ServerReflection",
            "grpc.reflection.v1.ServerReflection",
        ])

    /// A serialized ServerReflectionResponse for a serialized ServerReflectionRequest. Never
    /// fails: problems become error_response, as grpc-go answers them.
    public func answer(_ request: [UInt8]) -> [UInt8] {
        let decoded: ReflectionRequest
        do {
            decoded = try ReflectionRequest(decoding: request)
        } catch {
            return ReflectionResponse(
                originalRequest: [], body: .error(code: Self.invalidArgument, message: "malformed request: \(error)")
            ).encoded()
        }
        return ReflectionResponse(validHost: decoded.host, originalRequest: request, body: body(for: decoded.kind))
            .encoded()
    }

    func body(for kind: ReflectionRequest.Kind?) -> ReflectionResponse.Body {
        switch kind {
        case .listServices:
            return .services(services)
        case .fileByFilename(let name):
            guard encodedFiles[name] != nil else { return .error(code: Self.notFound, message: "file not found: \(name)") }
            return .files(withDependencies(name))
        case .fileContainingSymbol(let symbol):
            guard let name = index.file(containing: symbol) else {
                return .error(code: Self.notFound, message: "symbol not found: \(symbol)")
            }
            return .files(withDependencies(name))
        case .fileContainingExtension(let type, let number):
            // proto3 declares no extensions, so there is never such a file.
            return .error(code: Self.notFound, message: "extension not found: \(type) field \(number)")
        case .allExtensionNumbersOfType(let type):
            guard index.messageTypes.contains(type) else {
                return .error(code: Self.notFound, message: "type not found: \(type)")
            }
            return .extensionNumbers(baseType: type, numbers: [])
        case nil:
            return .error(code: Self.invalidArgument, message: "no message_request set")
        }
    }

    /// The file's bytes first, then its imports transitively, each once.
    func withDependencies(_ name: String) -> [[UInt8]] {
        var order: [String] = []
        var seen: Set<String> = []
        var queue = [name]
        while !queue.isEmpty {
            let next = queue.removeFirst()
            guard seen.insert(next).inserted, encodedFiles[next] != nil else { continue }
            order.append(next)
            queue += dependencies[next] ?? []
        }
        return order.compactMap { encodedFiles[$0] }
    }
}
