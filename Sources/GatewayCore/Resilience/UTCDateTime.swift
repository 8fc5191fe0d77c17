#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A `UnixTime` broken into UTC calendar fields. Besides RFC 3339 it gives the pieces batch ids
/// are built from ("batch_mixtral_20250715_143000_…").
public struct UTCDateTime: Sendable, Hashable {
    public var year: Int
    public var month: Int  // 1...12
    public var day: Int  // 1...31
    public var hour: Int
    public var minute: Int
    public var second: Int  // 0...60 in principle; gmtime never yields 60
    public var millisecond: Int

    public init(_ time: UnixTime) {
        // gmtime_r is reentrant and does no I/O (UTC needs no zone file).
        var t = time_t(time.seconds)
        var fields = tm()
        gmtime_r(&t, &fields)
        year = Int(fields.tm_year) + 1900
        month = Int(fields.tm_mon) + 1
        day = Int(fields.tm_mday)
        hour = Int(fields.tm_hour)
        minute = Int(fields.tm_min)
        second = Int(fields.tm_sec)
        millisecond = time.millisecond
    }

    /// "2025-07-15T14:30:00.123Z".
    public var rfc3339: String {
        var out = ""
        out.reserveCapacity(24)
        Self.append(year, width: 4, to: &out)
        out.append("-")
        Self.append(month, width: 2, to: &out)
        out.append("-")
        Self.append(day, width: 2, to: &out)
        out.append("T")
        Self.append(hour, width: 2, to: &out)
        out.append(":")
        Self.append(minute, width: 2, to: &out)
        out.append(":")
        Self.append(second, width: 2, to: &out)
        out.append(".")
        Self.append(millisecond, width: 3, to: &out)
        out.append("Z")
        return out
    }

    /// "20250715_143000": the compact stamp in batch ids.
    public var compactStamp: String {
        var out = ""
        out.reserveCapacity(15)
        Self.append(year, width: 4, to: &out)
        Self.append(month, width: 2, to: &out)
        Self.append(day, width: 2, to: &out)
        out.append("_")
        Self.append(hour, width: 2, to: &out)
        Self.append(minute, width: 2, to: &out)
        Self.append(second, width: 2, to: &out)
        return out
    }

    /// Zero-padded decimal; years outside 0...9999 are written as they are (RFC 3339 cannot
    /// express them anyway, and a wrong-looking stamp is better than a crash).
    private static func append(_ value: Int, width: Int, to out: inout String) {
        let digits = String(value)
        if digits.utf8.count < width {
            out.append(String(repeating: "0", count: width - digits.utf8.count))
        }
        out.append(digits)
    }
}
