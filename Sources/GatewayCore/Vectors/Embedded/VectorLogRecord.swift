/// One change of the embedded vector store, as its log (and its snapshot) stores it. Upserts
/// carry the unit vectors themselves, so replay needs no arithmetic and restores the exact bits.
///
///     upsert = 1 collection dimensions:u32 ids:[string] payloads:[map] vectors:floats
///     delete = 2 collection ids:[string]
///     drop   = 3 collection
///     end    = 4 collections:u32 points:u32     (last record of a snapshot)
///     map    = count:u32 (key value)*           (strings: length:u32 utf8)
enum VectorLogRecord: Equatable {
    case upsert(VectorRows)
    case delete(collection: String, ids: [String])
    case drop(collection: String)
    /// Closes a snapshot with what it holds: one cut short, or with records lost, is told from
    /// a whole one.
    case snapshotEnd(collections: Int, points: Int)

    private enum Kind: UInt8 {
        case upsert = 1, delete, drop, snapshotEnd
    }

    func encoded() -> [UInt8] {
        switch self {
        case .upsert(let rows):
            var w = JournalByteWriter(capacity: 32 + rows.collection.utf8.count + rows.vectors.count * 4 + rows.count * 48)
            w.u8(Kind.upsert.rawValue)
            w.string(rows.collection)
            w.count(rows.dimensions)
            w.strings(rows.ids)
            for payload in rows.payloads {
                w.count(payload.count)
                for (key, value) in payload {
                    w.string(key)
                    w.string(value)
                }
            }
            w.floats(rows.vectors)
            return w.bytes
        case .delete(let collection, let ids):
            var w = JournalByteWriter(capacity: 16 + ids.count * 24)
            w.u8(Kind.delete.rawValue)
            w.string(collection)
            w.strings(ids)
            return w.bytes
        case .drop(let collection):
            var w = JournalByteWriter()
            w.u8(Kind.drop.rawValue)
            w.string(collection)
            return w.bytes
        case .snapshotEnd(let collections, let points):
            var w = JournalByteWriter()
            w.u8(Kind.snapshotEnd.rawValue)
            w.count(collections)
            w.count(points)
            return w.bytes
        }
    }

    /// The record's frame, ready to append (built outside the store's lock: it checksums the bytes).
    var frame: [UInt8] { JournalFormat.frame(encoded()) }

    static func decode(_ payload: [UInt8]) throws(JournalDecodeError) -> VectorLogRecord {
        var r = JournalByteReader(payload)
        let code = try r.u8()
        guard let kind = Kind(rawValue: code) else { throw JournalDecodeError(reason: "unknown record kind \(code)") }
        let record: VectorLogRecord
        switch kind {
        case .upsert:
            record = .upsert(try readRows(&r))
        case .delete:
            let collection = try r.string()
            record = .delete(collection: collection, ids: try r.strings())
        case .drop:
            record = .drop(collection: try r.string())
        case .snapshotEnd:
            let collections = try r.count()
            record = .snapshotEnd(collections: collections, points: try r.count())
        }
        guard r.isAtEnd else { throw JournalDecodeError(reason: "\(payload.count - r.offset) bytes after the record") }
        return record
    }

    private static func readRows(_ r: inout JournalByteReader) throws(JournalDecodeError) -> VectorRows {
        let collection = try r.string()
        let dimensions = try r.count()
        guard dimensions > 0 else { throw JournalDecodeError(reason: "vectors of size 0") }
        let ids = try r.strings()
        var payloads: [[String: String]] = []
        payloads.reserveCapacity(ids.count)
        for _ in ids.indices {
            let n = try r.count()
            // Each entry takes at least its two 4-byte lengths: a huge count fails here, not in reserve.
            guard n <= r.remaining / 8 else { throw JournalDecodeError(reason: "payload of \(n) entries") }
            var payload: [String: String] = [:]
            payload.reserveCapacity(n)
            for _ in 0..<n {
                let key = try r.string()
                payload[key] = try r.string()
            }
            payloads.append(payload)
        }
        let vectors = try r.floats()
        guard vectors.count == ids.count * dimensions else {
            throw JournalDecodeError(reason: "\(vectors.count) values for \(ids.count) vectors of size \(dimensions)")
        }
        return VectorRows(collection: collection, dimensions: dimensions, ids: ids, payloads: payloads, vectors: vectors)
    }
}
