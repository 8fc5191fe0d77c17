/// Builds a `JSONValue` from the token stream. Open containers live on explicit stacks rather
/// than the call stack, so depth is bounded by `maxDepth` alone, not by the thread's stack size.
enum TreeBuilder {
    static func build(_ input: Input) throws(JSONError) -> JSONValue {
        var scanner = TokenScanner()
        var arrays: [[JSONValue]] = []
        var objects: [[JSONObject.Field]] = []
        var keys: [String] = []
        var openObjects: [Bool] = []  // innermost container is an object?
        var document = JSONValue.null

        while true {
            let value: JSONValue
            switch try scanner.next(in: input) {
            case .beginArray:
                arrays.append([])
                openObjects.append(false)
                continue
            case .beginObject:
                objects.append([])
                openObjects.append(true)
                continue
            case .key(let key):
                keys.append(key)
                continue
            case .endArray:
                openObjects.removeLast()
                value = .array(arrays.removeLast())
            case .endObject:
                openObjects.removeLast()
                value = .object(JSONObject(objects.removeLast()))
            case .string(let string): value = .string(string)
            case .number(let number): value = .number(number)
            case .bool(let bool): value = .bool(bool)
            case .null: value = .null
            case .end: return document
            }
            // Appending through the stack's subscript mutates the innermost container in place.
            switch openObjects.last {
            case true?: objects[objects.count - 1].append((key: keys.removeLast(), value: value))
            case false?: arrays[arrays.count - 1].append(value)
            case nil: document = value
            }
        }
    }
}
