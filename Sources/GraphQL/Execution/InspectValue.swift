import JSON

/// How graphql-core's `inspect` prints a JSON input value in an error message (Python `repr`
/// style: `'a'`, `None`, `True`, `{'a': 1}`), so messages match the reference implementation.
enum InspectValue {
    static let maxDepth = 2
    static let maxStringLength = 240
    static let maxListLength = 10

    static func inspect(_ value: JSONValue) -> String {
        inspect(value, depth: 0)
    }

    private static func inspect(_ value: JSONValue, depth: Int) -> String {
        switch value {
        case .null: return "None"
        case .bool(let flag): return flag ? "True" : "False"
        case .number(let number): return truncated(pythonNumber(number))
        case .string(let string): return truncated(pythonRepr(string))
        case .array(let items):
            if items.isEmpty { return "[]" }
            if depth >= maxDepth { return "[...]" }
            return "[" + truncatedList(items.map { inspect($0, depth: depth + 1) }).joined(separator: ", ") + "]"
        case .object(let object):
            if object.isEmpty { return "{}" }
            if depth >= maxDepth { return "{...}" }
            let members = object.fields.map { pythonRepr($0.key) + ": " + inspect($0.value, depth: depth + 1) }
            return "{" + truncatedList(members).joined(separator: ", ") + "}"
        }
    }

    /// Python's `json` reads integers as `int` and everything else as `float`.
    static func pythonNumber(_ number: JSONNumber) -> String {
        if number.isInteger {
            var text = Substring(number.text)
            let negative = text.first == "-"
            if negative { text = text.dropFirst() }
            let digits = text.drop { $0 == "0" }
            if digits.isEmpty { return "0" }
            return (negative ? "-" : "") + digits
        }
        let double = number.double
        if double.isInfinite { return double < 0 ? "-inf" : "inf" }
        if double == double.rounded(), abs(double) < 1e16 { return String(Int64(double)) + ".0" }
        return double.description
    }

    /// Python's `repr` of a string: single quotes unless the text has one and no double quote.
    static func pythonRepr(_ string: String) -> String {
        let quote: Character = string.contains("'") && !string.contains("\"") ? "\"" : "'"
        var out = String(quote)
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if Character(scalar) == quote {
                    out += "\\" + String(quote)
                } else if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\x" + hex(scalar.value, width: 2)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out.append(quote)
        return out
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    private static func truncated(_ text: String) -> String {
        guard text.count > maxStringLength else { return text }
        let head = (maxStringLength - 3) / 2
        let tail = maxStringLength - 3 - head
        return String(text.prefix(head)) + "..." + String(text.suffix(tail))
    }

    private static func truncatedList(_ items: [String]) -> [String] {
        guard items.count > maxListLength else { return items }
        let head = maxListLength / 2
        return Array(items.prefix(head)) + ["..."] + Array(items.suffix(head - 1))
    }
}

/// graphql-core's `did_you_mean(suggestion_list(input, options))`: up to five options close to
/// the input by lexical distance, as " Did you mean 'A', 'B' or 'C'?".
enum ExecutionSuggestions {
    static func didYouMean(_ input: String, options: [String], subMessage: String? = nil) -> String {
        let suggestions = list(input, options: options)
        guard !suggestions.isEmpty else { return "" }
        var message = " Did you mean "
        if let subMessage { message += subMessage + " " }
        let quoted = suggestions.prefix(5).map { "'\($0)'" }
        switch quoted.count {
        case 1: message += quoted[0]
        case 2: message += quoted[0] + " or " + quoted[1]
        default: message += quoted.dropLast().joined(separator: ", ") + ", or " + quoted.last!
        }
        return message + "?"
    }

    static func list(_ input: String, options: [String]) -> [String] {
        let inputLower = Array(input.lowercased().unicodeScalars)
        let threshold = input.unicodeScalars.count * 4 / 10 + 1
        var scored: [(String, Int)] = []
        for option in options {
            let distance = lexicalDistance(input, inputLower, option, threshold: threshold)
            if let distance { scored.append((option, distance)) }
        }
        scored.sort { a, b in a.1 != b.1 ? a.1 < b.1 : naturalLess(a.0, b.0) }
        return scored.map(\.0)
    }

    /// Damerau–Levenshtein (optimal string alignment), case changes costing 1 when the lower-case
    /// forms are equal; nil beyond the threshold.
    private static func lexicalDistance(_ input: String, _ a: [Unicode.Scalar], _ option: String, threshold: Int) -> Int? {
        if input == option { return 0 }
        let b = Array(option.lowercased().unicodeScalars)
        if a == b { return 1 }
        var (x, y) = (a, b)
        if x.count > y.count { swap(&x, &y) }
        if y.count - x.count > threshold { return nil }
        var rows = [[Int]](repeating: [Int](repeating: 0, count: x.count + 1), count: 3)
        for j in 0...x.count { rows[0][j] = j }
        for i in 1...max(y.count, 1) where !y.isEmpty {
            let up = rows[(i - 1) % 3]
            var current = rows[i % 3]
            current[0] = i
            var smallest = current[0]
            for j in 1...max(x.count, 1) where !x.isEmpty {
                let cost = y[i - 1] == x[j - 1] ? 0 : 1
                var value = min(up[j] + 1, current[j - 1] + 1, up[j - 1] + cost)
                if i > 1, j > 1, y[i - 1] == x[j - 2], y[i - 2] == x[j - 1] {
                    value = min(value, rows[(i - 2) % 3][j - 2] + 1)
                }
                current[j] = value
                smallest = min(smallest, value)
            }
            rows[i % 3] = current
            if smallest > threshold { return nil }
        }
        let distance = rows[y.count % 3][x.count]
        return distance <= threshold ? distance : nil
    }

    /// graphql-core's natural_comparison_key: digit runs compare as numbers.
    private static func naturalLess(_ a: String, _ b: String) -> Bool {
        a.localizedStandardCompareFallback(b)
    }
}

extension String {
    /// Natural ordering without Foundation: runs of digits compare by value.
    fileprivate func localizedStandardCompareFallback(_ other: String) -> Bool {
        var i = unicodeScalars.makeIterator()
        var j = other.unicodeScalars.makeIterator()
        var a = i.next()
        var b = j.next()
        while let x = a, let y = b {
            if x.properties.numericType != nil, y.properties.numericType != nil,
                let dx = Int(String(x)), let dy = Int(String(y))
            {
                var nx = dx
                var ny = dy
                a = i.next()
                while let c = a, let d = Int(String(c)) {
                    nx = nx * 10 + d
                    a = i.next()
                }
                b = j.next()
                while let c = b, let d = Int(String(c)) {
                    ny = ny * 10 + d
                    b = j.next()
                }
                if nx != ny { return nx < ny }
                continue
            }
            if x != y { return x.value < y.value }
            a = i.next()
            b = j.next()
        }
        return a == nil && b != nil
    }
}
