import GatewayCore

/// The Batch API's operations (spec §8): files in, batches of requests over the durable bulk
/// queue, files out. Creating a batch only stores it (`validating`): a `BatchCoordinator` reads
/// its file, queues its lines and finishes it, on whichever instance holds its lease.
/// Runs on: the calling task (a front-end's handler); files and batches go to their stores.
public final class BatchService: Sendable {
    public struct Limits: Sendable, Equatable {
        public var maxFileBytes: Int
        public var input: BatchInputParser.Limits

        public init(maxFileBytes: Int = 100 << 20, input: BatchInputParser.Limits = .init()) {
            self.maxFileBytes = maxFileBytes
            self.input = input
        }
    }

    let core: PatternCore
    let files: any FileStore
    let batches: any BatchStore
    let codec: any BatchLineCodec
    public let limits: Limits
    let wall: any WallClock

    public init(core: PatternCore, files: any FileStore, batches: any BatchStore, codec: any BatchLineCodec,
                limits: Limits = Limits(), wall: any WallClock = SystemWallClock()) {
        self.core = core
        self.files = files
        self.batches = batches
        self.codec = codec
        self.limits = limits
        self.wall = wall
    }

    var nowSeconds: Int64 { wall.wallTime().nanosecondsSinceEpoch / 1_000_000_000 }

    // MARK: files

    public func createFile(filename: String, purpose: String, content: [UInt8]) async throws(GatewayError) -> StoredFile {
        guard purpose == "batch" else {
            throw .invalid("purpose must be batch (the only purpose this gateway keeps files for)", field: "purpose")
        }
        guard content.count <= limits.maxFileBytes else {
            throw GatewayError(.payloadTooLarge, "the file has \(content.count) bytes; the limit is \(limits.maxFileBytes)",
                               details: [("field", "file"), ("limit", String(limits.maxFileBytes))])
        }
        guard !content.isEmpty else { throw .invalid("the file is empty", field: "file") }
        return try await files.create(filename: filename, purpose: purpose, content: content, now: wall.wallTime())
    }

    public func file(id: String) async throws(GatewayError) -> StoredFile {
        guard let f = try await files.file(id: id) else { throw Self.noFile(id) }
        return f
    }

    public func fileContent(id: String) async throws(GatewayError) -> [UInt8] {
        guard let bytes = try await files.content(id: id) else { throw Self.noFile(id) }
        return bytes
    }

    public func deleteFile(id: String) async throws(GatewayError) {
        guard try await files.delete(id: id) else { throw Self.noFile(id) }
    }

    static func noFile(_ id: String) -> GatewayError {
        GatewayError(.notFound, "no file \(id)", details: [("file_id", id)])
    }

    // MARK: batches

    public func createBatch(inputFileID: String, endpoint: String, completionWindow: String,
                            metadata: [(String, String)]?) async throws(GatewayError) -> BatchObject {
        guard codec.endpoints.contains(endpoint) else {
            throw .invalid("endpoint must be one of \(codec.endpoints.joined(separator: ", "))", field: "endpoint")
        }
        guard completionWindow == "24h" else { throw .invalid("completion_window must be 24h", field: "completion_window") }
        if let metadata, metadata.count > 16 { throw .invalid("metadata holds at most 16 pairs", field: "metadata") }
        guard let file = try await files.file(id: inputFileID) else {
            throw GatewayError(.invalidArgument, "no file \(inputFileID)", details: [("field", "input_file_id")])
        }
        guard file.purpose == "batch" else {
            throw .invalid("the input file's purpose must be batch, not \(file.purpose)", field: "input_file_id")
        }
        let now = nowSeconds
        let batch = BatchObject(
            id: StoredFile.newID(prefix: "batch_"), endpoint: endpoint, inputFileID: inputFileID,
            completionWindow: completionWindow, status: .validating, errors: nil, outputFileID: nil, errorFileID: nil,
            createdAt: now, inProgressAt: nil, expiresAt: now + 24 * 3600, finalizingAt: nil, completedAt: nil, failedAt: nil,
            expiredAt: nil, cancellingAt: nil, cancelledAt: nil, requestCounts: .init(), metadata: metadata)
        try await batches.save(batch)
        return batch
    }

    public func batch(id: String) async throws(GatewayError) -> BatchObject {
        guard let b = try await batches.batch(id: id) else {
            throw GatewayError(.notFound, "no batch \(id)", details: [("batch_id", id)])
        }
        return b
    }

    public func list(after: String?, limit: Int) async throws(GatewayError) -> (batches: [BatchObject], hasMore: Bool) {
        guard (1...100).contains(limit) else { throw .invalid("limit must be between 1 and 100", field: "limit") }
        return try await batches.list(after: after, limit: limit)
    }

    /// Asks for the batch to stop: `cancelling` at once; its queued lines are failed and it ends
    /// `cancelled` once the running ones are done (the coordinator sees to both).
    public func cancel(id: String) async throws(GatewayError) -> BatchObject {
        let now = nowSeconds
        let updated = try await batches.update(id: id) { b throws(GatewayError) in
            switch b.status {
            case .validating, .inProgress:
                b.status = .cancelling
                b.cancellingAt = now
            case .cancelling:
                break
            default:
                throw GatewayError(.invalidArgument, "batch \(id) is \(b.status.rawValue): it can no longer be cancelled",
                                   details: [("batch_id", id)])
            }
        }
        guard let updated else { throw GatewayError(.notFound, "no batch \(id)", details: [("batch_id", id)]) }
        return updated
    }
}
