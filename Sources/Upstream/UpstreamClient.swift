#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// HTTP client for the model servers: libcurl's multi interface on one dedicated thread behind an
/// async API. Connections are kept alive and reused across calls; one client per process is the
/// intended use, shared by every task.
///
/// Runs on: any task; every transfer runs on the libcurl thread while the caller is suspended.
public final class UpstreamClient: Sendable {
    private let loop: TransferLoop
    private let maxResponseBytes: Int
    /// The curl thread until `shutdown` joins it.
    private let thread: Mutex<pthread_t?>
    private let calls = Atomic<Int>(0)

    /// - Parameters:
    ///   - maxConnectionsPerHost: concurrent connections to one host; calls beyond wait in curl. A
    ///     streamed generation holds its connection for its whole length, so this bounds the
    ///     streams open to one replica at once (1,024: a thousand streams on one loop were measured).
    ///   - maxResponseBytes: a bigger response body fails the call with `.tooLarge`.
    public init(
        maxConnectionsPerHost: Int = 1024, tls: UpstreamTLS = .init(), maxResponseBytes: Int = 64 << 20
    ) throws(UpstreamError) {
        let settings = ClientSettings(
            maxConnectionsPerHost: max(1, maxConnectionsPerHost), tls: tls,
            maxResponseBytes: max(0, maxResponseBytes))
        let loop = try TransferLoop(settings: settings)
        do {
            thread = Mutex(try CurlThread.start(loop))
        } catch {
            loop.tearDown()  // no thread ever ran, so this one may free the multi
            throw error
        }
        self.loop = loop
        self.maxResponseBytes = settings.maxResponseBytes
    }

    deinit { shutdown() }

    /// Sends one request and waits for the whole response. Cancelling the calling task takes the
    /// transfer out of curl at once (its connection is closed) and throws `.cancelled`.
    public func send(_ request: UpstreamRequest) async throws(UpstreamError) -> UpstreamResponse {
        calls.add(1, ordering: .relaxed)
        defer { calls.subtract(1, ordering: .relaxed) }
        let transfer = Transfer(request, bodyLimit: maxResponseBytes)
        let outcome = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                loop.submit(transfer, continuation)
            }
        } onCancel: {
            loop.cancel(transfer)
        }
        return try outcome.get()
    }

    /// Sends one request and returns once the response head and the first body bytes (or the
    /// end) have arrived; the body is read from the stream as the upstream sends it. `request.timeout` limits the wait for the first
    /// body byte, `idleTimeout` each wait after that (zero: no limit); either one passing ends
    /// the stream with `.timeout`. Cancelling the calling task before the head stops the transfer.
    public func stream(_ request: UpstreamRequest, idleTimeout: Duration,
                       highWater: Int = 256 << 10) async throws(UpstreamError) -> UpstreamStream {
        let buffer = StreamBuffer(firstByte: request.timeout, idle: idleTimeout, highWater: highWater,
                                  now: Monotonic.nanoseconds())
        let transfer = Transfer(request, bodyLimit: Int(Int32.max), stream: buffer)
        let outcome = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                loop.submit(transfer, continuation)
            }
        } onCancel: {
            loop.cancel(transfer)
        }
        return UpstreamStream(head: try outcome.get(), buffer: buffer, transfer: transfer, loop: loop)
    }

    /// Calls started and not yet answered.
    public var inFlight: Int { calls.load(ordering: .relaxed) }

    /// Fails queued and running calls with `.cancelled`, stops the thread and frees curl's
    /// handles. Later calls fail with `.cancelled` at once. Blocks until the thread has exited;
    /// safe to call more than once.
    public func shutdown() {
        guard let running = thread.withLock({ t in defer { t = nil }; return t }) else { return }
        loop.stop()
        pthread_join(running, nil)
    }
}
