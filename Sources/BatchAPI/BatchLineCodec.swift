import GatewayCore

/// What a request line means, and what its answer looks like: the OpenAI shapes of the bodies,
/// which the OpenAI front-end owns. The Batch API itself only moves lines, jobs and files.
public protocol BatchLineCodec: Sendable {
    /// The endpoints a batch may name (`/v1/embeddings`, ...).
    var endpoints: [String] { get }

    /// Queues the work of one line's `body`; the job gets the id `jobID` makes from its model.
    /// A `GatewayError` for an invalid body fails this line alone.
    func enqueue(endpoint: String, body: [UInt8], context: CallContext,
                 jobID: @escaping @Sendable (String) -> String) async throws(GatewayError) -> String

    /// The response body for a completed job of `endpoint`.
    func responseBody(endpoint: String, record: BatchRecord) -> [UInt8]
}
