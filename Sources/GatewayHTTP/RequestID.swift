import Synchronization

/// Request ids for `X-Request-Id`: 16 hex digits. A process-wide counter run through
/// splitmix64 from a random seed: unique within the process, unpredictable across instances,
/// and no system call per request.
public enum RequestID {
    private static let seed: UInt64 = {
        var rng = SystemRandomNumberGenerator()
        return rng.next()
    }()
    private static let counter = Atomic<UInt64>(0)
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    public static func make() -> String {
        let n = counter.wrappingAdd(1, ordering: .relaxed).newValue
        var z = seed &+ n &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return String(unsafeUninitializedCapacity: 16) { buf in
            for i in 0..<16 {
                buf[i] = hexDigits[Int((z >> UInt64(60 - 4 * i)) & 0xF)]
            }
            return 16
        }
    }

    /// The client's id when it sent a sane one, else a new one.
    public static func from(_ headers: HTTPHeaders) -> String {
        if let given = headers["x-request-id"], !given.isEmpty, given.utf8.count <= 200,
           given.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) {
            return given
        }
        return make()
    }
}
