#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Opening the embedded store's directory: the lock, leftovers, the snapshot, then every log
/// from the snapshot's generation on. Damage anywhere but at the end of the last log is an
/// error naming the file and the offset; a torn last record there is cut (nobody was told it
/// was stored: an upsert answers only once its record is fsynced).
///
/// Runs on: the caller of `EmbeddedVectorStore.init`, once, before the loops serve.
enum VectorStoreOpener {
    struct Opened {
        var collections: EmbeddedCollections
        var log: VectorLog
        var replay: VectorStoreReplay
    }

    static func open(directory: String) throws(GatewayError) -> Opened {
        let files = VectorStoreFiles(directory: directory)
        try JournalIO.makeDirectories(files.directory, kind: .vectorLog)
        // A separate lock file: snapshots and rotations replace the others.
        let lock = JournalDescriptor(fd: try JournalIO.openFile(files.lockPath, O_RDWR | O_CREAT, kind: .vectorLog))
        try JournalIO.lockExclusively(lock.fd, files.lockPath, kind: .vectorLog)
        let names = try JournalIO.listDirectory(files.directory, kind: .vectorLog)
        for name in names where name.hasSuffix(VectorStoreFiles.temporarySuffix) {
            unlink(files.directory + "/" + name)
        }

        var collections = EmbeddedCollections()
        var replay = VectorStoreReplay()
        var first: UInt64 = 1
        let hasSnapshot = names.contains(VectorStoreFiles.snapshotName)
        if hasSnapshot {
            first = try loadSnapshot(files.snapshotPath, into: &collections)
            replay.snapshotPoints = collections.points
        }
        var generations = names.compactMap(VectorStoreFiles.generation(ofLog:)).sorted()
        // Folded into the snapshot by a run that stopped before it could delete them.
        for g in generations where g < first { unlink(files.logPath(g)) }
        generations.removeAll { $0 < first }
        // A snapshot's own log is created before the snapshot is written: it is always there.
        if generations.isEmpty && hasSnapshot { throw missingLog(files.logPath(first)) }
        for (i, g) in generations.enumerated() where g != first + UInt64(i) {
            throw missingLog(files.logPath(first + UInt64(i)))
        }

        var current: (descriptor: JournalDescriptor, size: Int64)?
        for (i, g) in generations.enumerated() {
            current = try replayLog(files.logPath(g), generation: g, isLast: i == generations.count - 1,
                                    into: &collections, replay: &replay)
        }
        let generation = generations.last ?? first
        if current == nil { current = (try files.createLog(generation: generation), Int64(VectorStoreFiles.headerSize)) }
        let (descriptor, size) = current!
        let writer = JournalWriter(path: files.logPath(generation), directory: files.directory, descriptor: descriptor,
                                   size: size, kind: .vectorLog)
        let log = VectorLog(files: files, writer: writer, generation: generation,
                            oldestGeneration: generations.first ?? generation, lock: lock)
        return Opened(collections: collections, log: log, replay: replay)
    }

    private static func missingLog(_ path: String) -> GatewayError {
        GatewayError(.unavailable, "vector store log \(path) is missing (the snapshot and the logs after it must "
                     + "all be there); restore it or move the directory aside", details: [("file", path)])
    }

    /// Applies a whole snapshot; returns the generation of the first log it does not contain.
    private static func loadSnapshot(_ path: String, into collections: inout EmbeddedCollections)
        throws(GatewayError) -> UInt64
    {
        let kind = JournalFileKind.vectorSnapshot
        let descriptor = JournalDescriptor(fd: try JournalIO.openFile(path, O_RDONLY, kind: kind))
        let size = try JournalIO.size(descriptor.fd, path, kind: kind)
        let generation = try VectorStoreFiles.readHeader(descriptor.fd, path: path, magic: VectorStoreFiles.snapshotMagic,
                                                         kind: kind)
        var scanner = JournalScanner(fd: descriptor.fd, path: path, fileSize: size,
                                     start: Int64(VectorStoreFiles.headerSize), kind: kind, decode: VectorLogRecord.decode)
        var ended = false
        while true {
            let at = scanner.offset
            let step = try scanner.next()
            // Written aside and renamed only when whole: any damage is damage, never a torn write.
            switch step {
            case .record(let record, _):
                guard !ended else { throw scanner.corrupt(at, "a record after the snapshot's closing record") }
                if case .snapshotEnd(let count, let points) = record {
                    guard count == collections.byName.count, points == collections.points else {
                        throw scanner.corrupt(at, "the snapshot closes with \(count) collections and \(points) points "
                                              + "but holds \(collections.byName.count) and \(collections.points)")
                    }
                    ended = true
                } else {
                    guard case .upsert = record, collections.apply(record) else {
                        throw scanner.corrupt(at, "a record that does not belong in a snapshot")
                    }
                }
            case .end:
                guard ended else { throw scanner.corrupt(at, "the snapshot ends before its closing record") }
                return generation
            case .tornTail(let offset, let reason):
                throw scanner.corrupt(offset, reason)
            }
        }
    }

    /// Applies one log; the last one's torn tail is cut, and it stays open for appending.
    private static func replayLog(_ path: String, generation: UInt64, isLast: Bool,
                                  into collections: inout EmbeddedCollections, replay: inout VectorStoreReplay)
        throws(GatewayError) -> (JournalDescriptor, Int64)
    {
        let kind = JournalFileKind.vectorLog
        let descriptor = JournalDescriptor(fd: try JournalIO.openFile(path, isLast ? O_RDWR : O_RDONLY, kind: kind))
        var size = try JournalIO.size(descriptor.fd, path, kind: kind)
        let named = try VectorStoreFiles.readHeader(descriptor.fd, path: path, magic: VectorStoreFiles.logMagic, kind: kind)
        guard named == generation else {
            throw GatewayError(.unavailable, "vector store log \(path) is corrupt at offset 8: its header names "
                               + "generation \(named)", details: [("file", path), ("offset", "8")])
        }
        replay.logFiles += 1
        var scanner = JournalScanner(fd: descriptor.fd, path: path, fileSize: size,
                                     start: Int64(VectorStoreFiles.headerSize), kind: kind, decode: VectorLogRecord.decode)
        scan: while true {
            let at = scanner.offset
            switch try scanner.next() {
            case .record(let record, _):
                guard collections.apply(record) else {
                    throw scanner.corrupt(at, "a record that does not fit the store (another size for a collection, "
                                          + "or a snapshot's record)")
                }
                replay.logRecords += 1
            case .end:
                break scan
            case .tornTail(let offset, let reason):
                // An older log was fsynced whole before the next one started.
                guard isLast else { throw scanner.corrupt(offset, "\(reason) in a finished log") }
                try JournalIO.truncateFile(descriptor.fd, to: offset, path, kind: kind)
                size = offset
                replay.truncatedFile = path
                replay.truncatedAt = offset
                replay.truncationReason = reason
                break scan
            }
        }
        // What was read is now surely on disk, so group commit can start from here.
        if isLast { try JournalIO.syncFile(descriptor.fd, path, kind: kind) }
        return (descriptor, size)
    }
}
