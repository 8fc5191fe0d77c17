#if canImport(Glibc)
import Glibc
#endif

/// What an event loop offers a layer that does I/O on it without owning it: watch a file
/// descriptor the caller owns, run a timer, run a closure. Transport's `EventLoop` implements it;
/// `Upstream` drives libcurl's sockets and timers with it (multi_socket), so an upstream call made
/// on a loop starts, completes and resumes its caller on that loop's thread with no hop.
///
/// Runs on: the loop's thread for `watch`, `unwatch`, `add` and `remove` (and every callback they
/// install); `inEventLoop` and `execute` from any thread.
public protocol IOLoop: TaskExecutor, AnyObject, Sendable {
    /// True on this loop's own thread.
    var inEventLoop: Bool { get }
    /// Runs `work` on the loop's thread soon; from the loop itself after the current event,
    /// never inside the caller.
    func execute(_ work: @escaping @Sendable () -> Void)
    /// Loop thread only. Watches `fd` (the caller owns and closes it) for `interest`, replacing an
    /// earlier watch of the same fd; `onEvent` runs on the loop with what is ready. Errors and
    /// hang-ups are always reported (`.failed`).
    func watch(_ fd: Int32, interest: IOInterest, _ onEvent: @escaping (IOReadiness) -> Void)
    /// Loop thread only. Stops watching `fd`; call before closing it.
    func unwatch(_ fd: Int32)
    /// Loop thread only. The loop fires `timer` once its deadline passes, until `remove`.
    func add(_ timer: LoopTimer)
    func remove(_ timer: LoopTimer)
}

public struct IOInterest: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let readable = IOInterest(rawValue: 1)
    public static let writable = IOInterest(rawValue: 2)
}

public struct IOReadiness: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let readable = IOReadiness(rawValue: 1)
    public static let writable = IOReadiness(rawValue: 2)
    /// An error or hang-up on the descriptor.
    public static let failed = IOReadiness(rawValue: 4)
}

/// A one-shot timer on a loop: `schedule` arms it (again), the loop calls `fire` once after the
/// deadline, `cancel` disarms it. Millisecond resolution, like epoll_wait.
///
/// Runs on: its loop's thread only (that is why it is unchecked Sendable: it is handed over once).
public final class LoopTimer: @unchecked Sendable {
    /// Monotonic nanoseconds (CLOCK_MONOTONIC), nil when disarmed.
    public private(set) var deadline: UInt64?
    private let fire: () -> Void

    public init(_ fire: @escaping () -> Void) {
        self.fire = fire
    }

    public func schedule(afterMilliseconds ms: Int) {
        deadline = Self.now() + UInt64(max(0, ms)) * 1_000_000
    }

    public func cancel() {
        deadline = nil
    }

    /// For the loop: fires (and disarms) the timer when its deadline is at or before `now`.
    public func fireIfDue(now: UInt64) {
        guard let d = deadline, d <= now else { return }
        deadline = nil
        fire()
    }

    public static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
