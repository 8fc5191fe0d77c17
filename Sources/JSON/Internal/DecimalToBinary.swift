/// Decimal significand × 10^exponent → nearest binary float, without going through text.
///
/// Two exact methods cover nearly every number seen in practice; each returns nil when it cannot
/// prove its answer, and the caller then converts the text with the standard library, which is
/// correct for everything but slower (it builds a String and calls strtod).
enum DecimalToBinary {
    @inline(__always)
    static func double(significand: UInt64, exponent: Int, isNegative: Bool) -> Double? {
        if significand == 0 { return isNegative ? -0.0 : 0.0 }
        guard let magnitude = clinger(significand, exponent) ?? eiselLemire(significand, exponent) else {
            return nil
        }
        return isNegative ? -magnitude : magnitude
    }

    /// Clinger's fast path: when the significand and the power of ten are both exact doubles,
    /// one IEEE multiplication or division rounds exactly once, so the result is correct.
    @inline(__always)
    static func clinger(_ significand: UInt64, _ exponent: Int) -> Double? {
        guard significand <= 1 << 53 else { return nil }
        if exponent >= 0 {
            if exponent <= 22 { return Double(significand) * exactPowersOfTen[exponent] }
            // 1234e25 is 1234000e22: move zeros into the significand while it stays exact.
            guard exponent <= 22 + 15 else { return nil }
            let scale = UInt64(exactPowersOfTen[exponent - 22])
            let (shifted, overflow) = significand.multipliedReportingOverflow(by: scale)
            guard !overflow, shifted <= 1 << 53 else { return nil }
            return Double(shifted) * exactPowersOfTen[22]
        }
        guard exponent >= -22 else { return nil }
        return Double(significand) / exactPowersOfTen[-exponent]
    }

    /// The Eisel–Lemire algorithm (Lemire, "Number Parsing at a Gigabyte per Second", 2021; this
    /// follows Go's strconv/eisel_lemire.go): multiply by a 128-bit approximation of 10^exponent
    /// and give up on the rare products too close to a rounding boundary to decide. It covers
    /// the 17-digit numbers that float32 values printed as doubles produce, which miss Clinger.
    @inline(never)
    static func eiselLemire(_ significand: UInt64, _ exponent: Int) -> Double? {
        guard exponent >= PowersOfTen.minExponent, exponent <= PowersOfTen.maxExponent else { return nil }
        let leadingZeros = significand.leadingZeroBitCount
        let normalized = significand << UInt64(leadingZeros)
        // 217706 / 2^16 ≈ log2(10): the binary exponent estimate, biased for IEEE double.
        var binaryExponent = UInt64(truncatingIfNeeded: (217706 &* exponent) >> 16 + 64 + 1023) &- UInt64(leadingZeros)

        let row = (exponent - PowersOfTen.minExponent) * 2
        let powerHigh = PowersOfTen.table[row]
        let powerLow = PowersOfTen.table[row + 1]
        var (high, low) = normalized.multipliedFullWidth(by: powerHigh)
        if high & 0x1FF == 0x1FF, low &+ normalized < normalized {
            // Too close to call with 64 bits of the power: use all 128.
            let (nextHigh, nextLow) = normalized.multipliedFullWidth(by: powerLow)
            var mergedHigh = high
            let mergedLow = low &+ nextHigh
            if mergedLow < low { mergedHigh &+= 1 }
            if mergedHigh & 0x1FF == 0x1FF, mergedLow &+ 1 == 0, nextLow &+ normalized < normalized {
                return nil
            }
            high = mergedHigh
            low = mergedLow
        }

        let topBit = high >> 63
        var mantissa = high >> (topBit + 9)
        binaryExponent &-= 1 ^ topBit
        // Exactly halfway between two doubles as far as 128 bits can tell.
        if low == 0, high & 0x1FF == 0, mantissa & 3 == 1 { return nil }
        mantissa &+= mantissa & 1
        mantissa >>= 1
        if mantissa >> 53 > 0 {
            mantissa >>= 1
            binaryExponent &+= 1
        }
        // Subnormal results and overflow are left to the slow path.
        guard binaryExponent &- 1 < 0x7FF - 1 else { return nil }
        return Double(bitPattern: binaryExponent << 52 | mantissa & 0x000F_FFFF_FFFF_FFFF)
    }

    /// Rounds a correctly rounded double to float, or returns nil when that second rounding might
    /// differ from rounding the decimal directly. Float midpoints are exact doubles, and rounding
    /// to double never crosses one, so the result is only in doubt when the double *is* a
    /// midpoint (or the float overflowed while the double did not).
    @inline(__always)
    static func float(fromCorrectlyRounded value: Double) -> Float? {
        let magnitude = value.magnitude
        if magnitude >= 0x1p-126, magnitude < 0x1.fffffep127 {
            // Normal float range: a float keeps the top 23 of the double's 52 fraction bits, so
            // the double is a midpoint exactly when the 29 dropped bits are 1000...0.
            return value.bitPattern & 0x1FFF_FFFF == 0x1000_0000 ? nil : Float(value)
        }
        let rounded = Float(value)
        guard rounded.isFinite else { return value.isInfinite ? rounded : nil }
        let back = Double(rounded)
        if back == value { return rounded }
        let neighbour = Double(back < value ? rounded.nextUp : rounded.nextDown)
        return (back + neighbour) / 2 == value ? nil : rounded
    }

    /// 10^0 ... 10^22, every one exactly representable as a double.
    static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]
}
