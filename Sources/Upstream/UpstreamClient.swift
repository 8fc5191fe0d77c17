#if canImport(Glibc)
import Glibc
#endif
import LoopInterface
import Synchronization

/// HTTP client for the model servers: libcurl's multi interface behind an async API. A call made
/// on an attached event loop (a request handler's task) runs on that loop through curl's
/// multi_socket API, one multi handle per loop, so it starts, completes and resumes its caller on
/// one thread; any other call runs on the client's own libcurl thread. Connections are kept alive
/// and reused across calls (per loop, and on the thread); one client per process is the intended
/// use, shared by every task.
///
/// Runs on: any task; a transfer runs on the caller's event loop when it is one of `attach`'s,
/// else on the libcurl thread, while the caller is suspended.
public final class UpstreamClient: Sendable {
    private let loop: TransferLoop
    private let settings: ClientSettings
    private let maxResponseBytes: Int
    /// The event loops calls may run on (`attach`).
    private let loops = Mutex<[LoopSlot]>([])
    private let stopped = Atomic<Bool>(false)
    /// The curl thread until `shutdown` joins it.
    private let thread: Mutex<pthread_t?>
    private let calls = Atomic<Int>(0)
    private let callsOnLoops = Atomic<Int>(0)

    /// - Parameters:
    ///   - maxConnectionsPerHost: concurrent connections to one host; calls beyond wait in curl. A
    ///     streamed generation holds its connection for its whole length, so this bounds the
    ///     streams open to one replica at once (1,024: a thousand streams on one loop were measured).
    ///     The bound and the idle connections are per driver: each attached loop and the curl
    ///     thread keep their own pool, since a connection lives in one multi handle.
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
        self.settings = settings
        self.maxResponseBytes = settings.maxResponseBytes
    }

    /// Lets calls made on these loops run there (each loop gets its own multi handle, made on
    /// its thread at its first call). Call once the loops run, before they take requests.
    public func attach(_ eventLoops: [any IOLoop]) {
        let slots = eventLoops.map(LoopSlot.init)
        loops.withLock { $0 += slots }
    }

    /// The loop the caller runs on, as a task executor (nil off the loops): work started from a
    /// request that should stay on its loop (a coalesced cache load) runs there.
    public var currentLoop: (any TaskExecutor)? {
        currentSlot()?.loop
    }

    private func currentSlot() -> LoopSlot? {
        loops.withLock { slots in slots.first { $0.loop.inEventLoop } }
    }

    /// The caller's loop's transfers; the libcurl thread off the loops (or when the loop's multi
    /// could not be made).
    private func driver() -> any TransferDriver {
        guard !stopped.load(ordering: .relaxed), let slot = currentSlot(), let onLoop = slot.transfers(settings) else {
            return loop
        }
        callsOnLoops.add(1, ordering: .relaxed)
        return onLoop
    }

    deinit { shutdown() }

    /// Sends one request and waits for the whole response. Cancelling the calling task takes the
    /// transfer out of curl at once (its connection is closed) and throws `.cancelled`.
    public func send(_ request: UpstreamRequest) async throws(UpstreamError) -> UpstreamResponse {
        calls.add(1, ordering: .relaxed)
        defer { calls.subtract(1, ordering: .relaxed) }
        return try await driver().run(Transfer(request, bodyLimit: maxResponseBytes)).get()
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
        let driver = driver()
        return UpstreamStream(head: try await driver.run(transfer).get(), buffer: buffer, transfer: transfer, loop: driver)
    }

    /// Calls (and streams) run on an attached event loop since the start; the others ran on the
    /// libcurl thread.
    public var loopCallCount: Int { callsOnLoops.load(ordering: .relaxed) }

    /// Calls started and not yet answered.
    public var inFlight: Int { calls.load(ordering: .relaxed) }

    /// Fails queued and running calls with `.cancelled`, stops the thread and frees curl's
    /// handles. Later calls fail with `.cancelled` at once. Blocks until the thread has exited;
    /// safe to call more than once.
    public func shutdown() {
        stopped.store(true, ordering: .relaxed)
        // Loops still running fail their transfers; stopped loops' multis go with the process.
        for slot in loops.withLock({ $0 }) { slot.loop.execute { slot.shutDown() } }
        guard let running = thread.withLock({ t in defer { t = nil }; return t }) else { return }
        loop.stop()
        pthread_join(running, nil)
    }
}

/// One attached event loop and its transfers, made on the loop's thread at its first call.
///
/// Runs on: `transfers` and `shutDown` on its loop's thread only; `loop` from any.
private final class LoopSlot: @unchecked Sendable {
    let loop: any IOLoop
    private var made: LoopTransfers?
    private var unusable = false

    init(_ loop: any IOLoop) { self.loop = loop }

    func transfers(_ settings: ClientSettings) -> LoopTransfers? {
        if let made { return made }
        guard !unusable else { return nil }
        do {
            made = try LoopTransfers(loop: loop, settings: settings)
        } catch {
            unusable = true  // calls from this loop keep using the libcurl thread
        }
        return made
    }

    func shutDown() {
        made?.shutDown()
        unusable = true
    }
}
