extension Input {
    /// Checks the RFC 8259 number grammar at `start` (a '-' or a digit) and accumulates the
    /// significand and exponent in the same pass.
    ///
    ///     number = [ minus ] int [ frac ] [ exp ]
    ///     int    = zero / ( digit1-9 *DIGIT )
    ///     frac   = decimal-point 1*DIGIT
    ///     exp    = e [ minus / plus ] 1*DIGIT
    @inline(__always)
    func scanNumber(at start: Int, maxLength: Int) throws(JSONError) -> ScannedNumber {
        var number = ScannedNumber(start: start, end: start)
        var index = start
        if bytes[index] == UInt8(ascii: "-") {
            number.isNegative = true
            index += 1
        }
        guard index < bytes.count else { throw error(Message.unexpectedEnd, at: index) }
        let first = bytes[index]
        if first == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, Self.isDigit(bytes[index]) {
                throw error(Message.leadingZero, at: index)
            }
        } else if Self.isDigit(first) {
            let (end, dropped) = accumulateDigits(from: index, into: &number)
            // Integer digits beyond the 19th still count towards the magnitude.
            number.exponent = dropped
            index = end
        } else {
            throw error(Message.digitAfterMinus, at: index)
        }

        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            number.isInteger = false
            index += 1
            guard index < bytes.count else { throw error(Message.unexpectedEnd, at: index) }
            guard Self.isDigit(bytes[index]) else { throw error(Message.digitAfterPoint, at: index) }
            if number.significand == 0 {
                // Zeros before the first significant digit only move the decimal point.
                let zeros = index
                while index < bytes.count, bytes[index] == UInt8(ascii: "0") { index += 1 }
                number.exponent -= index - zeros
            }
            let digitsBefore = number.significantDigits
            let (end, _) = accumulateDigits(from: index, into: &number)
            number.exponent -= number.significantDigits - digitsBefore
            index = end
        }

        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            number.isInteger = false
            index += 1
            guard index < bytes.count else { throw error(Message.unexpectedEnd, at: index) }
            var negativeExponent = false
            if bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
                negativeExponent = bytes[index] == UInt8(ascii: "-")
                index += 1
                guard index < bytes.count else { throw error(Message.unexpectedEnd, at: index) }
            }
            guard Self.isDigit(bytes[index]) else { throw error(Message.digitInExponent, at: index) }
            var explicit = 0
            while index < bytes.count, Self.isDigit(bytes[index]) {
                // Saturate: anything past 10^6 is zero or infinity for every format anyway.
                if explicit < 1_000_000 { explicit = explicit * 10 + Int(bytes[index] &- UInt8(ascii: "0")) }
                index += 1
            }
            number.exponent += negativeExponent ? -explicit : explicit
        }

        guard index - start <= maxLength else { throw error(Message.numberTooLong(maxLength), at: start) }
        number.end = index
        return number
    }

    /// Appends the run of digits at `start` to the significand while it holds fewer than 19
    /// significant digits, eight at a time where possible. Returns the index after the run and
    /// how many digits did not fit (any non-zero one marks the number truncated).
    @inline(__always)
    private func accumulateDigits(from start: Int, into number: inout ScannedNumber) -> (end: Int, dropped: Int) {
        var index = start
        while number.significantDigits <= 11, index + 8 <= bytes.count {
            let raw = UnsafeRawPointer(bytes.baseAddress! + index).loadUnaligned(as: UInt64.self)
            let chunk = UInt64(littleEndian: raw)
            guard Self.isEightDigits(chunk) else { break }
            number.significand = number.significand &* 100_000_000 &+ Self.eightDigitsValue(chunk)
            number.significantDigits &+= 8
            index &+= 8
        }
        var dropped = 0
        while index < bytes.count {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { break }
            if number.significantDigits < 19 {
                number.significand = number.significand &* 10 &+ UInt64(digit)
                number.significantDigits &+= 1
            } else {
                if digit != 0 { number.isTruncated = true }
                dropped &+= 1
            }
            index &+= 1
        }
        return (index, dropped)
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }

    /// SWAR test that all eight bytes are ASCII digits: adding 0x46 pushes bytes above '9' into
    /// the top bit, subtracting 0x30 does the same for bytes below '0' (from fast_float).
    @inline(__always)
    static func isEightDigits(_ chunk: UInt64) -> Bool {
        ((chunk &+ 0x4646_4646_4646_4646) | (chunk &- 0x3030_3030_3030_3030)) & 0x8080_8080_8080_8080 == 0
    }

    /// The value of eight ASCII digits loaded little-endian (first digit in the low byte), by
    /// combining pairs, then quads, then the two halves with multiplications.
    @inline(__always)
    static func eightDigitsValue(_ chunk: UInt64) -> UInt64 {
        var value = chunk &- 0x3030_3030_3030_3030
        value = value &* 10 &+ (value >> 8)
        let mask: UInt64 = 0x0000_00FF_0000_00FF
        let multiplier1: UInt64 = 100 + (1_000_000 << 32)
        let multiplier2: UInt64 = 1 + (10_000 << 32)
        value = ((value & mask) &* multiplier1 &+ ((value >> 16) & mask) &* multiplier2) >> 32
        return value & 0xFFFF_FFFF
    }
}
