/// Remembers the keys of every open object so a repeated key is an error. Parsers disagree on
/// which duplicate wins; rejecting them means a proxy and a backend can never read different
/// values from one body.
///
/// Small objects (the usual case) are checked by a linear scan of one shared array that keeps its
/// capacity between objects; an object that grows past `linearLimit` keys moves to a hash set so
/// a large object stays linear in time.
struct DuplicateKeyGuard: Sendable {
    private static let linearLimit = 16

    private struct Level: Sendable {
        var start: Int
        var large: Set<ExactKey>?
    }

    /// Keys of the open objects that are still small, innermost last.
    private var keys: [String] = []
    private var levels: [Level] = []

    mutating func enterObject() {
        levels.append(Level(start: keys.count, large: nil))
    }

    mutating func leaveObject() {
        let level = levels.removeLast()
        keys.removeSubrange(level.start...)
    }

    /// Records `key` in the innermost object; false if it was already there.
    mutating func insert(_ key: String) -> Bool {
        let innermost = levels.count - 1
        if levels[innermost].large != nil {
            return levels[innermost].large!.insert(ExactKey(string: key)).inserted
        }
        let start = levels[innermost].start
        for index in start..<keys.count where sameUTF8(keys[index], key) {
            return false
        }
        keys.append(key)
        if keys.count - start > Self.linearLimit {
            levels[innermost].large = Set(keys[start...].map(ExactKey.init))
            keys.removeSubrange(start...)
        }
        return true
    }
}
