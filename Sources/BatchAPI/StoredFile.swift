import GatewayCore

/// One uploaded or produced file of the Batch API (spec §8): what `GET /v1/files/{id}` shows.
public struct StoredFile: Sendable, Equatable {
    /// `file-` and 24 letters and digits.
    public var id: String
    public var bytes: Int
    /// Unix seconds.
    public var createdAt: Int64
    public var filename: String
    /// `batch` for an input, `batch_output` for results.
    public var purpose: String

    public init(id: String, bytes: Int, createdAt: Int64, filename: String, purpose: String) {
        self.id = id
        self.bytes = bytes
        self.createdAt = createdAt
        self.filename = filename
        self.purpose = purpose
    }

    static func newID(prefix: String) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)
        var rng = SystemRandomNumberGenerator()
        return prefix + String(decoding: (0..<24).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }, as: UTF8.self)
    }
}

/// Where the Batch API's files live: under the data directory, or in Redis so that every instance
/// sharing it reads the same files.
public protocol FileStore: Sendable {
    func create(filename: String, purpose: String, content: [UInt8], now: UnixTime) async throws(GatewayError) -> StoredFile
    func file(id: String) async throws(GatewayError) -> StoredFile?
    func content(id: String) async throws(GatewayError) -> [UInt8]?
    /// False for an unknown id.
    func delete(id: String) async throws(GatewayError) -> Bool
}
