// swift-tools-version:6.0
import PackageDescription

// Each C library is reached through one system-library target whose shim header re-exposes what
// Swift cannot call directly (variadic functions, macros). Only the layer that wraps a library
// imports its C module.
let package = Package(
    name: "PatternGateway",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "pattern-gateway", targets: ["PatternGatewayMain"]),
        .executable(name: "pattern-upstream-sim", targets: ["PatternUpstreamSim"]),
        .executable(name: "pattern-vector-bench", targets: ["PatternVectorBench"]),
        .executable(name: "pattern-ann-bench", targets: ["ANNBench"]),
        // The parsers Tests/Fuzz drives (its own package, built with -sanitize=fuzzer); no binary ships it.
        .library(name: "PatternGatewayFuzzSurface",
                 targets: ["GatewayHTTP", "HTTP1Codec", "GraphQL", "Protobuf", "GatewayProto", "Transport", "Upstream",
                           "BatchAPI", "JSON", "WebSocket", "Tracing", "VectorIndex"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        // Linux headers Glibc's module leaves out: epoll, eventfd, CPU affinity, signal masks.
        .target(name: "CLinux"),
        .systemLibrary(
            name: "CNghttp2", pkgConfig: "libnghttp2",
            providers: [.apt(["libnghttp2-dev"])]),
        .systemLibrary(
            name: "COpenSSL", pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]),
        .systemLibrary(
            name: "CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        // No pkgConfig here: hiredis.pc adds -D_FILE_OFFSET_BITS=64, which SwiftPM rejects with a
        // warning; the headers are in the default include path and the module map links it.
        .systemLibrary(
            name: "CHiredis",
            providers: [.apt(["libhiredis-dev"])]),

        // SHA-1 and Base64 where protocols fix them (Redis script names, UUIDv5, WebSocket keys,
        // base64 embeddings); pure Swift, no I/O.
        .target(name: "ByteCodecs"),
        // What an event loop offers the layers that do I/O on it without owning it (libcurl's sockets
        // and timers): Transport's loops implement it, Upstream drives curl with it.
        .target(name: "LoopInterface"),
        // HNSW over unit vectors (inner product): the embedded store's approximate search; pure Swift, no I/O.
        // Its Builtin module use is LLVM's prefetch, which Swift has no other way to say (Prefetch.swift).
        .target(name: "VectorIndex", swiftSettings: [.unsafeFlags(["-enable-builtin-module"])]),
        // The protocol-neutral request/response interface every front-end implements.
        .target(name: "GatewayHTTP", dependencies: ["Tracing"]),
        // W3C traceparent/tracestate: parse, child spans, format; values only, no I/O.
        .target(name: "Tracing"),
        // RFC 6455: the opening handshake and the frame codec (masking, fragments, control frames,
        // UTF-8, limits); bytes in, events out; no I/O.
        .target(name: "WebSocket", dependencies: ["GatewayHTTP", "ByteCodecs"]),
        // HTTP/1.1 request parser and response encoder: bytes in, events out; no I/O.
        .target(name: "HTTP1Codec", dependencies: ["GatewayHTTP"]),
        // Strict RFC 8259 JSON: a pull reader for hot paths, a value tree, a writer. No Foundation.
        .target(name: "JSON"),
        // The YAML subset the config file uses, read strictly: a tree with positions, a Decoder. No Foundation.
        .target(name: "YAMLConfig"),
        // hiredis behind an async API: a small pool, argv commands, scripts by SHA, streams.
        .target(name: "Redis", dependencies: ["CHiredis", "ByteCodecs"]),
        // libcurl's multi interface behind an async API, on the callers' event loops (multi_socket) or
        // its own thread: the model servers' client.
        .target(name: "Upstream", dependencies: ["CCurl", "LoopInterface"]),
        // The shared core: model registry, pattern routing, breakers, retries, cache, batch
        // queue, metrics. Every front-end calls it; it knows nothing of HTTP.
        .target(name: "GatewayCore", dependencies: ["JSON", "Upstream", "Redis", "CLinux", "ByteCodecs", "VectorIndex", "Tracing"]),
        // OpenSSL behind memory BIOs: ciphertext in, plaintext out; no I/O.
        .target(name: "TLS", dependencies: ["COpenSSL"]),

        // The OpenAI Batch API's files and batches over the core's durable queue (spec §8).
        .target(name: "BatchAPI", dependencies: ["GatewayCore", "JSON", "Redis"]),
        // Sockets, epoll loops, the protocol sniff and the HTTP/2 session (nghttp2): where bytes
        // enter and leave, handed up as protocol-neutral requests.
        .target(
            name: "Transport",
            dependencies: [
                "GatewayHTTP", "HTTP1Codec", "WebSocket", "TLS", "CNghttp2", "CLinux", "LoopInterface",
                .product(name: "Logging", package: "swift-log"),
            ]),
        // The REST front-end: routes, JSON error bodies.
        .target(
            name: "RESTAPI",
            dependencies: ["GatewayHTTP", "GatewayCore", "JSON", "BatchAPI", "ByteCodecs", "Tracing"],
            // The dashboard page's files, compiled in by scripts/embed-dashboard.
            exclude: ["Dashboard/Assets"]),
        // Protobuf wire format (proto3): a writer and a bounds-checked reader; no I/O, no codegen.
        .target(name: "Protobuf"),
        // The messages of Protos/gateway.proto and grpc/health/v1/health.proto, coded by hand.
        .target(name: "GatewayProto", dependencies: ["Protobuf"]),
        // Server reflection (v1alpha and v1): the .proto files as FileDescriptorProtos, and answers.
        .target(name: "GRPCReflection", dependencies: ["Protobuf"]),
        // The gRPC front-end: framing, status, deadlines, PatternService and Health over the core.
        .target(
            name: "GRPCAPI",
            dependencies: ["GatewayHTTP", "GatewayCore", "Protobuf", "GatewayProto", "GRPCReflection", "Tracing"]),
        // GraphQL itself: lexer, parser, schema from SDL, validation, execution, introspection. No I/O,
        // nothing of HTTP or the gateway.
        .target(name: "GraphQL", dependencies: ["JSON"]),
        // The GraphQL front-end: GraphQL over HTTP, Schema/gateway.graphql's resolvers over the core.
        .target(
            name: "GraphQLAPI",
            dependencies: ["GraphQL", "GatewayHTTP", "GatewayCore", "JSON", "WebSocket", "Tracing"]),
        .executableTarget(
            name: "PatternGatewayMain",
            dependencies: [
                "Transport", "RESTAPI", "GRPCAPI", "GraphQLAPI", "GatewayHTTP", "GatewayCore", "Upstream", "Redis", "HTTP1Codec", "TLS", "CLinux", "YAMLConfig", "LoopInterface",
                "BatchAPI", "Tracing",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // The nine model servers, simulated for tests, benchmarks and demos.
        .executableTarget(
            name: "PatternUpstreamSim",
            dependencies: [
                "Transport", "TLS", "GatewayHTTP", "GatewayCore", "JSON", "CLinux",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // The embedded store's exact search timed in process (scripts/bench --suite vectors).
        .executableTarget(name: "PatternVectorBench", dependencies: ["GatewayCore"]),
        // VectorIndex's HNSW against hnswlib and faiss on the same files (scripts/bench-ann.sh).
        .executableTarget(name: "ANNBench", dependencies: ["VectorIndex"]),

        // What the test suites share (a recording ResponseWriter, a seeded generator); never part of a product.
        .target(name: "GatewayTestSupport", dependencies: ["GatewayHTTP"], path: "Tests/Support"),
        .testTarget(name: "GatewayHTTPTests", dependencies: ["GatewayHTTP"]),
        .testTarget(name: "TracingTests", dependencies: ["Tracing"]),
        .testTarget(name: "ByteCodecsTests", dependencies: ["ByteCodecs"]),
        .testTarget(name: "VectorIndexTests", dependencies: ["VectorIndex", "GatewayTestSupport"]),
        .testTarget(name: "WebSocketTests", dependencies: ["WebSocket", "GatewayHTTP"]),
        .testTarget(name: "HTTP1CodecTests", dependencies: ["HTTP1Codec", "GatewayHTTP", "GatewayTestSupport"]),
        .testTarget(name: "TLSTests", dependencies: ["TLS"]),
        .testTarget(name: "JSONTests", dependencies: ["JSON", "GatewayTestSupport"]),
        .testTarget(name: "YAMLConfigTests", dependencies: ["YAMLConfig"]),
        .testTarget(name: "BatchAPITests", dependencies: ["BatchAPI", "GatewayCore", "JSON", "Upstream"]),
        .testTarget(name: "GatewayCoreTests", dependencies: ["GatewayCore", "Tracing", "JSON", "Upstream", "Redis", "Transport", "GatewayHTTP", "GatewayTestSupport"]),
        .testTarget(name: "RedisTests", dependencies: ["Redis"]),
        .testTarget(name: "UpstreamTests", dependencies: ["Upstream", "Transport", "GatewayHTTP", "LoopInterface"]),
        .testTarget(name: "TransportTests", dependencies: ["Transport", "GatewayHTTP"]),
        .testTarget(name: "RESTAPITests", dependencies: ["RESTAPI", "BatchAPI", "ByteCodecs", "GatewayHTTP", "GatewayCore", "JSON", "GatewayTestSupport"]),
        // Resources/ holds the Python side of the differential tests (run with the .venv interpreter).
        .testTarget(name: "ProtobufTests", dependencies: ["Protobuf", "GatewayProto", "GatewayTestSupport"], exclude: ["Resources"]),
        .testTarget(name: "GRPCReflectionTests", dependencies: ["GRPCReflection", "Protobuf"], exclude: ["Resources"]),
        // Resources/ holds the graphql-core side of the differential tests.
        .testTarget(name: "GraphQLTests", dependencies: ["GraphQL", "JSON", "GatewayTestSupport"], exclude: ["Resources"]),
        .testTarget(name: "GraphQLAPITests", dependencies: ["GraphQLAPI", "GraphQL", "GatewayHTTP", "GatewayCore", "JSON", "Upstream", "GatewayTestSupport"]),
        .testTarget(name: "GRPCAPITests", dependencies: ["GRPCAPI", "GatewayHTTP", "GatewayCore", "Protobuf", "GatewayProto", "GatewayTestSupport"]),
    ]
)
