import Synchronization

/// The session's close code, written on the event loop and read from any task.
///
/// Runs on: any thread (an atomic).
final class WebSocketCloseCodeCell: Sendable {
    // 0 while open; otherwise the code (codes are never 0).
    private let value = Atomic<UInt32>(0)

    var code: UInt16? {
        let v = value.load(ordering: .acquiring)
        return v == 0 ? nil : UInt16(truncatingIfNeeded: v)
    }

    func set(_ code: UInt16) {
        _ = value.compareExchange(expected: 0, desired: UInt32(code), ordering: .acquiringAndReleasing)
    }
}
