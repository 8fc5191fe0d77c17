/// Spelling rules of the Prometheus text exposition format 0.0.4.
enum PrometheusText {
    /// Sample values and `le` bounds. Whole numbers below 2^53 print without a fraction ("3",
    /// "30"), as the Go client does, so counters read naturally; other finite values use Swift's
    /// shortest round-trip form ("0.0005", "1e-05"), which every Prometheus parser accepts;
    /// non-finite values use the format's own "NaN", "+Inf", "-Inf".
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(.towardZero) && abs(value) < 9_007_199_254_740_992 {
            return String(Int64(value))  // also turns -0.0 into "0"
        }
        return value.description
    }

    /// HELP text: backslash and newline escaped.
    static func escapeHelp(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\n") }) else { return text }
        var out = ""
        for ch in text.unicodeScalars {
            switch ch {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// Label values: backslash, double quote and newline escaped.
    static func escapeLabelValue(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") })
        else { return text }
        var out = ""
        for ch in text.unicodeScalars {
            switch ch {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// `{a="x",b="y"}`, or nothing for no labels. `extra` is appended last (histogram `le`).
    static func appendLabels(
        names: [String], values: [String], extra: (name: String, value: String)? = nil, to out: inout String
    ) {
        if names.isEmpty && extra == nil { return }
        out += "{"
        var first = true
        for (name, value) in zip(names, values) {
            if !first { out += "," }
            first = false
            out += name
            out += "=\""
            out += escapeLabelValue(value)
            out += "\""
        }
        if let extra {
            if !first { out += "," }
            out += extra.name
            out += "=\""
            out += extra.value
            out += "\""
        }
        out += "}"
    }

    /// `[a-zA-Z_:][a-zA-Z0-9_:]*`
    static func isValidMetricName(_ name: String) -> Bool {
        isValidName(name, allowColon: true)
    }

    /// `[a-zA-Z_][a-zA-Z0-9_]*`, without the reserved `__` prefix.
    static func isValidLabelName(_ name: String) -> Bool {
        isValidName(name, allowColon: false) && !name.hasPrefix("__")
    }

    private static func isValidName(_ name: String, allowColon: Bool) -> Bool {
        var first = true
        for byte in name.utf8 {
            let letter = (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
            let digit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
            let ok = letter || byte == UInt8(ascii: "_") || (allowColon && byte == UInt8(ascii: ":")) || (!first && digit)
            if !ok { return false }
            first = false
        }
        return !first
    }
}
