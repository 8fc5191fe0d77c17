/// "Did you mean ...?" hints, computed exactly as graphql-core computes them (`suggestion_list`,
/// `did_you_mean`, `natural_comparison_key`) so our messages match the reference word for word.
enum Suggestions {
    static let maxSuggestions = 5

    /// ` Did you mean 'a', 'b', or 'c'?`, or "" when there is nothing to suggest.
    static func didYouMean(_ suggestions: [String], _ subMessage: String? = nil) -> String {
        guard !suggestions.isEmpty else { return "" }
        var message = " Did you mean "
        if let subMessage { message += subMessage + " " }
        return message + orList(suggestions.prefix(maxSuggestions).map { "'\($0)'" }) + "?"
    }

    static func orList(_ items: [String]) -> String {
        switch items.count {
        case 0: return ""
        case 1: return items[0]
        case 2: return "\(items[0]) or \(items[1])"
        default: return items.dropLast().joined(separator: ", ") + ", or " + items[items.count - 1]
        }
    }

    /// The options within a typo's reach of `input`, closest first, then in natural order.
    static func suggestionList(_ input: String, _ options: [String]) -> [String] {
        let measure = LexicalDistance(input)
        let threshold = Int(Double(input.unicodeScalars.count) * 0.4) + 1
        var distances: [(option: String, distance: Int, index: Int)] = []
        var seen: Set<String> = []
        for option in options where seen.insert(option).inserted {
            if let distance = measure.measure(option, threshold: threshold) {
                distances.append((option, distance, distances.count))
            }
        }
        return distances.sorted { a, b in
            if a.distance != b.distance { return a.distance < b.distance }
            let order = naturalCompare(a.option, b.option)
            return order != 0 ? order < 0 : a.index < b.index
        }.map(\.option)
    }

    /// Compares strings with digit runs as numbers ("a2" < "a10"), like graphql-core's key.
    static func naturalCompare(_ a: String, _ b: String) -> Int {
        let partsA = naturalParts(a)
        let partsB = naturalParts(b)
        for (x, y) in zip(partsA, partsB) {
            switch (x, y) {
            case (.text(let s), .text(let t)):
                if s != t { return lexicalCompare(s, t) }
            case (.number(let m, let s), .number(let n, let t)):
                if m != n { return m < n ? -1 : 1 }
                if s != t { return lexicalCompare(s, t) }
            default:
                return 0  // cannot happen: text and digit runs alternate from the same start
            }
        }
        return partsA.count == partsB.count ? 0 : (partsA.count < partsB.count ? -1 : 1)
    }

    private enum Part {
        case text([UInt32])
        case number(Double, [UInt32])
    }

    private static func lexicalCompare(_ a: [UInt32], _ b: [UInt32]) -> Int {
        for (x, y) in zip(a, b) where x != y { return x < y ? -1 : 1 }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    /// Python's `re.split(r"(\d+)")`: text, digits, text, ... always starting (and ending) with text.
    private static func naturalParts(_ text: String) -> [Part] {
        var parts: [Part] = []
        var current: [UInt32] = []
        var inDigits = false
        func flush() {
            if inDigits {
                let value = current.reduce(0.0) { $0 * 10 + Double($1 - 48) }
                parts.append(.number(value, current))
            } else {
                parts.append(.text(current))
            }
            current = []
        }
        for scalar in text.unicodeScalars {
            let isDigit = scalar.properties.numericType == .decimal
            if isDigit != inDigits {
                flush()
                inDigits = isDigit
            }
            current.append(scalar.value)
        }
        flush()
        if inDigits { parts.append(.text([])) }
        return parts
    }
}

/// Optimal string alignment distance, case-insensitive, with an early exit past `threshold`.
private struct LexicalDistance {
    let input: String
    let inputLowerCase: String
    let inputScalars: [UInt32]

    init(_ input: String) {
        self.input = input
        self.inputLowerCase = input.lowercased()
        self.inputScalars = inputLowerCase.unicodeScalars.map(\.value)
    }

    func measure(_ option: String, threshold: Int) -> Int? {
        if input == option { return 0 }
        let optionLowerCase = option.lowercased()
        if inputLowerCase == optionLowerCase { return 1 }
        var a = optionLowerCase.unicodeScalars.map(\.value)
        var b = inputScalars
        if a.count < b.count { swap(&a, &b) }
        let aLength = a.count
        let bLength = b.count
        if aLength - bLength > threshold { return nil }
        var rows = [[Int]](repeating: [Int](repeating: 0, count: bLength + 1), count: 3)
        for j in 0...bLength { rows[0][j] = j }
        if aLength == 0 { return rows[0][bLength] <= threshold ? rows[0][bLength] : nil }
        for i in 1...aLength {
            let up = (i - 1) % 3
            let current = i % 3
            rows[current][0] = i
            var smallest = i
            if bLength > 0 {
                for j in 1...bLength {
                    let cost = a[i - 1] == b[j - 1] ? 0 : 1
                    var cell = min(rows[up][j] + 1, rows[current][j - 1] + 1, rows[up][j - 1] + cost)
                    if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                        cell = min(cell, rows[(i - 2) % 3][j - 2] + 1)
                    }
                    smallest = min(smallest, cell)
                    rows[current][j] = cell
                }
            }
            if smallest > threshold { return nil }
        }
        let distance = rows[aLength % 3][bLength]
        return distance <= threshold ? distance : nil
    }
}
