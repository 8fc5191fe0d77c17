#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import VectorIndex

/// The graphs beside the snapshot, one file per collection (`graph-<collection>.pgvg`):
///
///     "PGVG" version:u32le(1)            8 bytes
///     frame(node table)                  the journal's frame: length, ~length, CRC-32, payload
///     index bytes                        HNSWIndex.serialized, with its vectors and own CRC-32C
///
/// The node table names the point of each node ("" for a stale one). A graph is only an
/// accelerator: the points are in the snapshot and the logs. So at open a graph is checked
/// against the replayed collection — every named point must be there with the very same vector,
/// and what is not is linked in again — and a missing, damaged or mismatched file only costs a
/// rebuild in the background, during which searches scan.
///
/// Runs on: the blocking pool (the store's snapshots) or the caller of `snapshot()`/`close()` for
/// `write`; the thread opening the store for `load`.
enum VectorGraphFiles {
    static let magic: [UInt8] = Array("PGVG".utf8) + [1, 0, 0, 0]
    static let prefix = "graph-"
    static let suffix = ".pgvg"

    static func path(_ files: VectorStoreFiles, collection: String) -> String {
        files.directory + "/" + prefix + collection + suffix
    }

    /// Writes each graph aside and renames it into place; graphs not in `graphs` lose their file.
    static func write(_ graphs: [String: CollectionGraph], files: VectorStoreFiles) throws(GatewayError) {
        let kind = JournalFileKind.vectorSnapshot
        for (name, graph) in graphs.sorted(by: { $0.key < $1.key }) {
            // A graph still building is not saved: the next start rebuilds it from the points.
            guard let (table, index) = graph.persistable() else {
                unlink(path(files, collection: name))
                continue
            }
            var w = JournalByteWriter(capacity: 16 + table.count * 16)
            w.strings(table)
            let target = path(files, collection: name)
            var file = try JournalFileBuilder(temporary: target + VectorStoreFiles.temporarySuffix, header: magic,
                                              kind: kind)
            do throws(GatewayError) {
                try file.append(JournalFormat.frame(w.bytes))
                try file.append(index)
                _ = try file.finish(renamingTo: target)
            } catch {
                file.discard()
                throw error
            }
        }
        let names = (try? JournalIO.listDirectory(files.directory, kind: kind)) ?? []
        for name in names where name.hasPrefix(prefix) && name.hasSuffix(suffix) {
            let collection = String(name.dropFirst(prefix.count).dropLast(suffix.count))
            if graphs[collection] == nil { unlink(files.directory + "/" + name) }
        }
        try JournalIO.syncDirectory(files.directory, kind: kind)
    }

    /// The saved graph of `collection`, checked against it; or why it cannot be used.
    static func load(_ files: VectorStoreFiles, collection name: String, _ c: EmbeddedCollection,
                     settings: GraphSettings) -> Result<CollectionGraph, LoadFailure> {
        let file = path(files, collection: name)
        guard let bytes = WholeFile.read(file) else { return .failure(.missing) }
        guard bytes.count > magic.count + JournalFormat.frameHeaderSize, Array(bytes[0..<magic.count]) == magic else {
            return .failure(.damaged("\(file): not a graph file (header)"))
        }
        var r = JournalByteReader(Array(bytes[magic.count..<(magic.count + JournalFormat.frameHeaderSize)]))
        guard let length = try? r.u32(), let inverted = try? r.u32(), let crc = try? r.u32(), length == ~inverted,
              magic.count + JournalFormat.frameHeaderSize + Int(length) <= bytes.count else {
            return .failure(.damaged("\(file): node table frame"))
        }
        let tableStart = magic.count + JournalFormat.frameHeaderSize
        let tableBytes = Array(bytes[tableStart..<(tableStart + Int(length))])
        guard JournalCRC32.checksum(tableBytes) == crc else { return .failure(.damaged("\(file): node table checksum")) }
        var tableReader = JournalByteReader(tableBytes)
        guard let table = try? tableReader.strings() else { return .failure(.damaged("\(file): node table")) }
        let index: HNSWIndex
        do {
            index = try HNSWIndex(serialized: Array(bytes[(tableStart + Int(length))...]))
        } catch {
            return .failure(.damaged("\(file): \(error)"))
        }
        guard index.parameters.dimensions == c.dimensions, index.parameters.m == settings.m,
              index.parameters.efConstruction == settings.efConstruction, table.count <= index.count else {
            return .failure(.damaged("\(file): built with other settings (dimensions, m or ef_construct)"))
        }
        // Every named point must still be there with the same vector; the rest is linked in again.
        var named = table
        while named.count < index.count { named.append("") }
        var linked = Set<String>()
        linked.reserveCapacity(named.count)
        for (node, id) in named.enumerated() where !id.isEmpty {
            guard !index.isDeleted(Int32(node)), let slot = c.slot(of: id), !linked.contains(id),
                  index.vector(Int32(node)).elementsEqual(c.vector(at: slot)) else {
                named[node] = ""
                index.delete(Int32(node))
                continue
            }
            linked.insert(id)
        }
        let pending = c.ids.filter { !linked.contains($0) }
        return .success(CollectionGraph(settings: settings, index: index, idOfNode: named, pending: pending))
    }

    enum LoadFailure: Error, Equatable {
        case missing
        case damaged(String)
    }
}
