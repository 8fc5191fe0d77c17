#if canImport(Glibc)
import Glibc
#endif
import CLinux
import LoopInterface
import Synchronization

/// Something registered with a loop for readiness events. Loop-confined: every call comes on
/// the loop's thread.
protocol EventSource: AnyObject {
    func handleEvent(_ events: UInt32)
    /// Called about twice a second with the loop's monotonic clock, for timeouts.
    func tick(now: UInt64)
}

/// One epoll loop on its own thread. Sockets registered here are only touched on this thread.
///
/// It is also a `TaskExecutor`: handlers run with this loop as their executor preference, so a
/// request that never waits on anything else is parsed, handled and answered on one thread with
/// no hop. Work from other threads arrives through `execute` and an eventfd wake-up.
///
/// Runs on: its own pthread, the event loop; `execute` and `enqueue` from any thread.
public final class EventLoop: IOLoop, @unchecked Sendable {
    private struct Pending {
        var closures: [@Sendable () -> Void] = []
        var jobs: [UnownedJob] = []
        var wakeSignalled = false
    }

    let index: Int
    private let epollFD: Int32
    private let wakeFD: Int32
    private let pending = Mutex(Pending())
    private let threadID = Atomic<UInt>(0)
    private var thread: pthread_t?

    // Loop-thread state.
    private var sources: [Int32: EventSource] = [:]
    private var running = true
    private var nextTick: UInt64 = 0
    /// Timers of the layers that run I/O here (`IOLoop`): libcurl's, one or two per client.
    private var timers: [LoopTimer] = []
    /// The IMF-fixdate for `Date` headers, refreshed on each tick.
    private(set) var httpDate: String = EventLoop.formatHTTPDate()
    /// Every connection of this loop reads into this one buffer and hands the bytes on before
    /// the next read: 64 KiB per loop instead of per connection (a thousand open streams held
    /// 64 MiB of idle read buffers). A consumer that keeps a slice keeps its own copy (copy on
    /// write), so sharing is safe.
    var readBuffer = [UInt8](repeating: 0, count: 64 * 1024)

    static let tickInterval: UInt64 = 500_000_000

    init(index: Int) throws(SystemError) {
        self.index = index
        let ep = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard ep >= 0 else { throw SystemError(call: "epoll_create1", errno: errno) }
        let wfd = eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC))
        guard wfd >= 0 else {
            close(ep)
            throw SystemError(call: "eventfd", errno: errno)
        }
        epollFD = ep
        wakeFD = wfd
        var ev = epoll_event()
        ev.events = EPOLLIN.rawValue
        ev.data.fd = wfd
        epoll_ctl(ep, EPOLL_CTL_ADD, wfd, &ev)
    }

    deinit {
        close(epollFD)
        close(wakeFD)
    }

    public var inEventLoop: Bool {
        UInt(bitPattern: Int(bitPattern: UInt(pthread_self()))) == threadID.load(ordering: .relaxed)
    }

    // MARK: work from any thread

    /// Runs `work` on the loop thread, soon. From the loop thread itself it runs after the
    /// current event, never inside the caller.
    public func execute(_ work: @escaping @Sendable () -> Void) {
        let wake = pending.withLock { p -> Bool in
            p.closures.append(work)
            return markWake(&p)
        }
        if wake { signalWake() }
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        let wake = pending.withLock { p -> Bool in
            p.jobs.append(unowned)
            return markWake(&p)
        }
        if wake { signalWake() }
    }

    private func markWake(_ p: inout Pending) -> Bool {
        if p.wakeSignalled || inEventLoop { return false }
        p.wakeSignalled = true
        return true
    }

    private func signalWake() {
        var one: UInt64 = 1
        _ = Glibc.write(wakeFD, &one, 8)
    }

    // MARK: registration (loop thread only)

    func register(_ fd: Int32, _ source: EventSource, events: UInt32) {
        sources[fd] = source
        var ev = epoll_event()
        ev.events = events
        ev.data.fd = fd
        epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &ev)
    }

    func modify(_ fd: Int32, events: UInt32) {
        var ev = epoll_event()
        ev.events = events
        ev.data.fd = fd
        epoll_ctl(epollFD, EPOLL_CTL_MOD, fd, &ev)
    }

    func deregister(_ fd: Int32) {
        epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, nil)
        sources[fd] = nil
    }

    var registeredCount: Int { sources.count }

    // MARK: IOLoop (loop thread only)

    public func watch(_ fd: Int32, interest: IOInterest, _ onEvent: @escaping (IOReadiness) -> Void) {
        var events: UInt32 = 0
        if interest.contains(.readable) { events |= EPOLLIN.rawValue }
        if interest.contains(.writable) { events |= EPOLLOUT.rawValue }
        if let watched = sources[fd] as? WatchedDescriptor {
            watched.onEvent = onEvent
            var ev = epoll_event()
            ev.events = events
            ev.data.fd = fd
            // The owner may have closed and reopened the number without an unwatch: add it anew.
            if epoll_ctl(epollFD, EPOLL_CTL_MOD, fd, &ev) != 0 && errno == ENOENT {
                epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &ev)
            }
            return
        }
        register(fd, WatchedDescriptor(onEvent), events: events)
    }

    public func unwatch(_ fd: Int32) {
        guard sources[fd] is WatchedDescriptor else { return }
        deregister(fd)
    }

    public func add(_ timer: LoopTimer) {
        if !timers.contains(where: { $0 === timer }) { timers.append(timer) }
    }

    public func remove(_ timer: LoopTimer) {
        timers.removeAll { $0 === timer }
    }

    /// Milliseconds until the first armed timer (rounded up, so the wait never ends early), or nil.
    private func millisecondsToNextTimer(now: UInt64) -> Int32? {
        var first: UInt64?
        for t in timers { if let d = t.deadline, d < (first ?? .max) { first = d } }
        guard let first else { return nil }
        guard first > now else { return 0 }
        return Int32(min(500, (first - now + 999_999) / 1_000_000))
    }

    private func fireTimers() {
        guard !timers.isEmpty else { return }
        let now = EventLoop.now()
        for t in timers { t.fireIfDue(now: now) }
    }

    /// Calls `body` for every registered source (shutdown, draining).
    func forEachSource(_ body: (EventSource) -> Void) {
        for s in Array(sources.values) { body(s) }
    }

    // MARK: the loop

    func start() {
        let box = Unmanaged.passRetained(self)
        var tid = pthread_t()
        let rc = pthread_create(&tid, nil, { arg in
            let loop = Unmanaged<EventLoop>.fromOpaque(arg!).takeRetainedValue()
            loop.run()
            return nil
        }, box.toOpaque())
        precondition(rc == 0, "pthread_create failed: \(rc)")
        thread = tid
    }

    /// Asks the loop to leave after its current iteration.
    func stop() {
        execute { [self] in running = false }
    }

    func join() {
        if let t = thread { pthread_join(t, nil) }
        thread = nil
    }

    private func run() {
        threadID.store(UInt(bitPattern: Int(bitPattern: UInt(pthread_self()))), ordering: .relaxed)
        let maxEvents: Int32 = 256
        var events = [epoll_event](repeating: epoll_event(), count: Int(maxEvents))
        nextTick = EventLoop.now() + EventLoop.tickInterval
        while running {
            let hasWork = pending.withLock { !$0.closures.isEmpty || !$0.jobs.isEmpty }
            var timeoutMs: Int32 = hasWork ? 0 : 500
            if !hasWork, !timers.isEmpty, let t = millisecondsToNextTimer(now: EventLoop.now()) { timeoutMs = min(timeoutMs, t) }
            let n = events.withUnsafeMutableBufferPointer { epoll_wait(epollFD, $0.baseAddress, maxEvents, timeoutMs) }
            if n > 0 {
                for i in 0..<Int(n) {
                    let fd = events[i].data.fd
                    if fd == wakeFD {
                        var value: UInt64 = 0
                        _ = Glibc.read(wakeFD, &value, 8)
                        continue
                    }
                    sources[fd]?.handleEvent(events[i].events)
                }
            }
            runPending()
            fireTimers()
            let now = EventLoop.now()
            if now >= nextTick {
                nextTick = now + EventLoop.tickInterval
                httpDate = EventLoop.formatHTTPDate()
                for s in Array(sources.values) { s.tick(now: now) }
            }
        }
        runPending()
    }

    private func runPending() {
        // Bounded so that a task that keeps re-enqueueing itself cannot starve socket I/O.
        for _ in 0..<16 {
            let (closures, jobs) = pending.withLock { p -> ([@Sendable () -> Void], [UnownedJob]) in
                p.wakeSignalled = false
                defer { p.closures.removeAll(keepingCapacity: true); p.jobs.removeAll(keepingCapacity: true) }
                return (p.closures, p.jobs)
            }
            if closures.isEmpty && jobs.isEmpty { return }
            for c in closures { c() }
            let executor = asUnownedTaskExecutor()
            for j in jobs { j.runSynchronously(on: executor) }
        }
    }

    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    static func formatHTTPDate() -> String {
        var t = time(nil)
        var tmv = tm()
        gmtime_r(&t, &tmv)
        var buf = [CChar](repeating: 0, count: 64)
        let n = strftime(&buf, buf.count, "%a, %d %b %Y %H:%M:%S GMT", &tmv)
        return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// A descriptor another layer owns (libcurl's sockets), watched through `IOLoop.watch`.
///
/// Runs on: its loop's thread.
private final class WatchedDescriptor: EventSource {
    var onEvent: (IOReadiness) -> Void
    init(_ onEvent: @escaping (IOReadiness) -> Void) { self.onEvent = onEvent }

    func handleEvent(_ events: UInt32) {
        var ready: IOReadiness = []
        if events & EPOLLIN.rawValue != 0 { ready.insert(.readable) }
        if events & EPOLLOUT.rawValue != 0 { ready.insert(.writable) }
        if events & (EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0 { ready.insert(.failed) }
        onEvent(ready)
    }

    func tick(now: UInt64) {}
}

/// The loops of one server, one per core by default.
///
/// Runs on: the caller, for start and shutdown; each loop on its own thread.
public final class EventLoopGroup: Sendable {
    let loops: [EventLoop]
    /// The loops, for the layers that run I/O on them (the upstream client).
    public var eventLoops: [EventLoop] { loops }

    public init(count: Int) throws(SystemError) {
        var made: [EventLoop] = []
        for i in 0..<max(1, count) { made.append(try EventLoop(index: i)) }
        loops = made
        for l in loops { l.start() }
    }

    public func shutdown() {
        for l in loops { l.stop() }
        for l in loops { l.join() }
    }

    /// How many CPUs this process may run on (honours taskset/cgroups affinity).
    public static var availableCores: Int {
        let n = Int(clinux_available_cpus())
        return n > 0 ? n : Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    }
}
