import GRPCReflection
import Protobuf
import Testing

@Suite("ReflectionService answers")
struct ReflectionServiceTests {
    let service = ReflectionService.gatewayDefault

    func ask(_ kind: ReflectionRequest.Kind?, host: String = "localhost:8000") throws -> ReflectionResponse {
        let request = ReflectionRequest(host: host, kind: kind).encoded()
        let response = try ReflectionResponse(decoding: service.answer(request))
        #expect(response.validHost == host)
        #expect(response.originalRequest == request)
        #expect(try ReflectionRequest(decoding: response.originalRequest) == ReflectionRequest(host: host, kind: kind))
        return response
    }

    func fileNames(_ response: ReflectionResponse) throws -> [String] {
        guard case .files(let files) = response.body else {
            Issue.record("expected files, got \(String(describing: response.body))")
            return []
        }
        return try files.map { try DecodedFile($0).name ?? "" }
    }

    @Test("list_services: the four services, sorted; the content is ignored")
    func listServices() throws {
        let expected = [
            "gateway.PatternService", "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection",
            "grpc.reflection.v1alpha.ServerReflection",
        ]
        #expect(try ask(.listServices("*")).body == .services(expected))
        #expect(try ask(.listServices(""), host: "").body == .services(expected))
    }

    @Test("file_by_filename returns each served file; an unknown one is NOT_FOUND")
    func fileByFilename() throws {
        for file in [FileDescriptor.gateway, .health, .reflectionV1Alpha, .reflectionV1] {
            let response = try ask(.fileByFilename(file.name))
            #expect(response.body == .files([file.encoded()]))
        }
        let missing = try ask(.fileByFilename("google/protobuf/empty.proto"))
        guard case .error(let code, let message) = missing.body else {
            Issue.record("expected an error")
            return
        }
        #expect(code == 5)
        #expect(message.contains("google/protobuf/empty.proto"))
    }

    @Test("file_containing_symbol for services, methods, messages, nested types and enums")
    func symbols() throws {
        let cases = [
            ("gateway.PatternService", "gateway.proto"),
            ("gateway.PatternService.SearchPattern", "gateway.proto"),
            ("gateway.SearchRequest", "gateway.proto"),
            ("gateway.SearchRequest.FilterEntry", "gateway.proto"),
            ("gateway.Point.PayloadEntry", "gateway.proto"),
            ("gateway.PatternService.GenerateStream", "gateway.proto"),
            ("gateway.GenerateChunk", "gateway.proto"),
            ("gateway.Usage", "gateway.proto"),
            ("gateway.BatchStatus.outputs", "gateway.proto"),
            ("grpc.health.v1.Health.Watch", "grpc/health/v1/health.proto"),
            ("grpc.health.v1.HealthCheckResponse.ServingStatus", "grpc/health/v1/health.proto"),
            ("grpc.reflection.v1alpha.ServerReflection", "grpc/reflection/v1alpha/reflection.proto"),
            ("grpc.reflection.v1.ServerReflectionResponse", "grpc/reflection/v1/reflection.proto"),
        ]
        for (symbol, file) in cases {
            #expect(try fileNames(ask(.fileContainingSymbol(symbol))) == [file], "\(symbol)")
        }
    }

    @Test("every indexed symbol resolves to a file that declares it")
    func everySymbolResolves() throws {
        let symbols = service.index.symbols
        #expect(symbols.count > 100)
        for symbol in symbols {
            let response = try ask(.fileContainingSymbol(symbol))
            guard case .files(let files) = response.body, files.count == 1 else {
                Issue.record("\(symbol): \(String(describing: response.body))")
                continue
            }
            let package = try DecodedFile(files[0]).package ?? ""
            #expect(symbol.hasPrefix(package + "."), "\(symbol) is not in package \(package)")
        }
        for expected in [
            "gateway.EmbedRequest", "gateway.EmbedResponse.processing_time_ms", "gateway.ScoredPoint.PayloadEntry",
            "gateway.PatternService.WatchBatch", "grpc.health.v1.HealthCheckResponse.SERVING",
            "grpc.reflection.v1.ServerReflection.ServerReflectionInfo", "grpc.reflection.v1alpha.ErrorResponse",
        ] {
            #expect(symbols.contains(expected), "\(expected)")
        }
    }

    @Test("unknown symbols are NOT_FOUND naming the symbol", arguments: ["gateway.Nope", "gateway", "PatternService", ""])
    func unknownSymbol(symbol: String) throws {
        let response = try ask(.fileContainingSymbol(symbol))
        guard case .error(let code, let message) = response.body else {
            Issue.record("expected an error for \(symbol)")
            return
        }
        #expect(code == 5)
        #expect(message.hasSuffix(": \(symbol)"))
    }

    @Test("extensions: proto3 declares none, as grpc-go answers")
    func extensions() throws {
        let ext = try ask(.fileContainingExtension(containingType: "gateway.SearchRequest", number: 100))
        guard case .error(let code, _) = ext.body else {
            Issue.record("expected an error")
            return
        }
        #expect(code == 5)
        #expect(try ask(.allExtensionNumbersOfType("gateway.SearchRequest")).body
            == .extensionNumbers(baseType: "gateway.SearchRequest", numbers: []))
        guard case .error(let missing, _) = try ask(.allExtensionNumbersOfType("gateway.Nope")).body else {
            Issue.record("expected an error")
            return
        }
        #expect(missing == 5)
    }

    @Test("a request with no message_request is INVALID_ARGUMENT")
    func emptyRequest() throws {
        guard case .error(let code, _) = try ask(nil).body else {
            Issue.record("expected an error")
            return
        }
        #expect(code == 3)
    }

    @Test("malformed request bytes are INVALID_ARGUMENT, never a trap", arguments: [
        [0x22, 0x05, 0x61], [0xFF], [0x22, 0x02, 0xC3, 0x28], [0x00, 0x01], [0x2A, 0x03, 0x10, 0x80, 0x80],
    ] as [[UInt8]])
    func malformed(bytes: [UInt8]) throws {
        let response = try ReflectionResponse(decoding: service.answer(bytes))
        guard case .error(let code, let message) = response.body else {
            Issue.record("expected an error")
            return
        }
        #expect(code == 3)
        #expect(message.hasPrefix("malformed request"))
    }

    @Test("the wire bytes of a list answer, field by field")
    func wireBytes() throws {
        let request: [UInt8] = [0x0A, 0x01, 0x68, 0x3A, 0x01, 0x2A]   // host "h", list_services "*"
        let answer = service.answer(request)
        var r = ProtoReader(answer)
        #expect(try r.nextField() == 1)
        #expect(try r.string() == "h")
        #expect(try r.nextField() == 2)
        #expect(try r.bytes() == request)
        #expect(try r.nextField() == 6)
        let names = try r.message { (l: inout ProtoReader) throws(ProtoError) -> [String] in
            var names: [String] = []
            while try l.nextField() == 1 {
                names.append(try l.message { (s: inout ProtoReader) throws(ProtoError) -> String in
                    _ = try s.nextField()
                    return try s.string()
                })
            }
            return names
        }
        #expect(names.count == 4)
        #expect(try r.nextField() == nil)
    }

    @Test("dependencies follow the file, transitively and once each")
    func dependencies() throws {
        let a = FileDescriptor(name: "a.proto", package: "a", dependencies: ["b.proto", "c.proto"],
                               messages: [MessageDescriptor("A")])
        let b = FileDescriptor(name: "b.proto", package: "b", dependencies: ["c.proto"], messages: [MessageDescriptor("B")])
        let c = FileDescriptor(name: "c.proto", package: "c", enums: [EnumDescriptor("C", values: [("C_ZERO", 0)])])
        let local = ReflectionService(files: [c, b, a], services: [])
        let request = ReflectionRequest(kind: .fileContainingSymbol("a.A")).encoded()
        let response = try ReflectionResponse(decoding: local.answer(request))
        #expect(response.body == .files([a.encoded(), b.encoded(), c.encoded()]))
        let enumRequest = ReflectionRequest(kind: .fileContainingSymbol("c.C")).encoded()
        #expect(try ReflectionResponse(decoding: local.answer(enumRequest)).body == .files([c.encoded()]))
        #expect(try ReflectionResponse(decoding: local.answer(ReflectionRequest(kind: .listServices("")).encoded())).body
            == .services([]))
    }
}
