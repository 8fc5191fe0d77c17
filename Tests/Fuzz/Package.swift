// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets for PatternGateway's parsers. Built apart from the product (scripts/fuzz):
//   swift build -c debug --package-path Tests/Fuzz --scratch-path .build-fuzz \
//     -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
// Each executable exports LLVMFuzzerTestOneInput; libFuzzer supplies main. The product package is
// reached through its PatternGatewayFuzzSurface library product; debug builds are testable, so the
// HTTP/2 target can drive Transport's internal Connection exactly as a socket would.
let package = Package(
    name: "PatternGatewayFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "PatternGateway", path: "../.."),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        // The `main` SwiftPM's link line names for each executable (see FuzzMain.c).
        .target(name: "FuzzMain"),
        .executableTarget(
            name: "fuzz-http1",
            dependencies: [.product(name: "PatternGatewayFuzzSurface", package: "PatternGateway"), "FuzzMain"],
            path: "Sources/FuzzHTTP1"),
        .executableTarget(
            name: "fuzz-http2",
            dependencies: [
                .product(name: "PatternGatewayFuzzSurface", package: "PatternGateway"),
                .product(name: "Logging", package: "swift-log"),
                "FuzzMain",
            ],
            path: "Sources/FuzzHTTP2"),
        .executableTarget(
            name: "fuzz-graphql",
            dependencies: [.product(name: "PatternGatewayFuzzSurface", package: "PatternGateway"), "FuzzMain"],
            path: "Sources/FuzzGraphQL"),
        .executableTarget(
            name: "fuzz-sse",
            dependencies: [.product(name: "PatternGatewayFuzzSurface", package: "PatternGateway"), "FuzzMain"],
            path: "Sources/FuzzSSE"),
        .executableTarget(
            name: "fuzz-ndjson",
            dependencies: [.product(name: "PatternGatewayFuzzSurface", package: "PatternGateway"), "FuzzMain"],
            path: "Sources/FuzzNDJSON"),
        .executableTarget(
            name: "fuzz-multipart",
            dependencies: [.product(name: "PatternGatewayFuzzSurface", package: "PatternGateway"), "FuzzMain"],
            path: "Sources/FuzzMultipart"),
        .executableTarget(
            name: "fuzz-jsonl",
            dependencies: [.product(name: "PatternGatewayFuzzSurface", package: "PatternGateway"), "FuzzMain"],
            path: "Sources/FuzzJSONL"),
        .executableTarget(
            name: "fuzz-protobuf",
            dependencies: [.product(name: "PatternGatewayFuzzSurface", package: "PatternGateway"), "FuzzMain"],
            path: "Sources/FuzzProtobuf"),
        .executableTarget(
            name: "fuzz-websocket",
            dependencies: [.product(name: "PatternGatewayFuzzSurface", package: "PatternGateway"), "FuzzMain"],
            path: "Sources/FuzzWebSocket"),
        .executableTarget(
            name: "fuzz-traceparent",
            dependencies: [.product(name: "PatternGatewayFuzzSurface", package: "PatternGateway"), "FuzzMain"],
            path: "Sources/FuzzTraceparent"),
        .executableTarget(
            name: "fuzz-hnswgraph",
            dependencies: [.product(name: "PatternGatewayFuzzSurface", package: "PatternGateway"), "FuzzMain"],
            path: "Sources/FuzzHNSWGraph"),
    ]
)
