// SPDX-License-Identifier: Apache-2.0

import Foundation
import VectorIndex
import _RAGInternals

/// The log and snapshot side of a ``LocalVectorStore``: held while a batch commits, so commits run one at a time.
struct WriterState {
    var log: RecordLog?
    var generation: UInt64
    /// The size of the last snapshot: the log must outgrow it (and the threshold) before the next one, so the
    /// cost of snapshots stays proportional to what was written since.
    var snapshotBytes = 0
    /// The folder's writer lock, dropped when the store closes (`nil` in memory).
    var folderLock: FolderLock?
    /// Whether ``LocalVectorStore/close()`` has run.
    var isClosed = false
    /// The snapshot being written in the background, if any.
    var pendingSnapshot: PendingSnapshot?
    /// Whether `log.previous` still holds records that no snapshot covers (a background snapshot failed): the
    /// next snapshot is then written on the commit path, which removes it.
    var previousLogRemains = false
}

/// Holds a folder's writer lock until the store closes or goes away.
final class FolderLock: Sendable {
    private let lock: FileLock

    init(_ lock: consuming FileLock) { self.lock = lock }
}

enum StoreFiles {
    static let logMagic = Array("MMRAGLOG".utf8)
    /// The log's format version.
    static let version: UInt32 = 1
    static let recordVersion: UInt8 = 1

    /// Opens the log at `path`, reading and checking its records.
    static func openLog(_ path: String) throws(FileError) -> (log: RecordLog, contents: RecordLog.Contents) {
        try RecordLog.open(path, magic: logMagic, version: version)
    }

    /// Creates an empty log for `generation` at `path` (replacing any file there) and opens it.
    static func newLog(_ path: String, generation: UInt64) throws(FileError) -> RecordLog {
        try RecordLog.create(at: path, magic: logMagic, version: version, generation: generation)
        return try openLog(path).log
    }
}

extension LocalVectorStore {
    // MARK: - Creating and opening

    /// Creates a store in `folder` (or in memory when `nil`); the folder must not hold a store already.
    ///
    /// - Parameters:
    ///   - folder: Where the files live, or `nil` for a store in memory.
    ///   - layout: The named vectors.
    ///   - keyword: The keyword index's settings, with the properties it indexes listed (a `nil` list means
    ///     none); `nil` for no keyword index.
    ///   - metadata: The owner's description of the store, kept in every snapshot.
    ///   - options: Durability, snapshot and search tuning.
    /// - Returns: The open store.
    /// - Throws: ``RetrievalError/Code/invalidSchema`` when a store exists there, ``RetrievalError/Code/locked``
    ///   when another writer holds the folder, file-system failures.
    @concurrent public static func create(
        at folder: String?,
        layout: [VectorLayout],
        keyword: KeywordSettings? = nil,
        metadata: [UInt8] = [],
        options: Options = Options()
    ) async throws(RetrievalError) -> LocalVectorStore {
        let state = try StoreState(layout: layout, keyword: keyword)
        guard let folder else {
            return LocalVectorStore(
                folder: nil,
                layout: layout,
                keyword: keyword,
                metadata: metadata,
                state: state,
                writer: WriterState(log: nil, generation: 0),
                options: options,
                truncatedLogBytes: 0
            )
        }
        do throws(FileError) {
            try Files.createFolder(folder)
            let lock = try acquireLock(folder)
            guard !Files.exists(folder + "/snapshot") else {
                throw FileError(.corrupt, path: folder, "a collection already exists here")
            }
            let parts = Snapshot.parts(
                layout: layout,
                keyword: keyword,
                metadata: metadata,
                generation: 0,
                state: state
            )
            try Snapshot.write(parts, to: folder + "/snapshot")
            let log = try StoreFiles.newLog(folder + "/log", generation: 0)
            return LocalVectorStore(
                folder: folder,
                layout: layout,
                keyword: keyword,
                metadata: metadata,
                state: state,
                writer: WriterState(log: log, generation: 0, folderLock: FolderLock(lock)),
                options: options,
                truncatedLogBytes: 0
            )
        } catch {
            if error.kind == .corrupt && error.message.hasPrefix("a collection already") {
                throw RetrievalError(.invalidSchema, "\(folder) already holds a collection; open it instead")
            }
            throw RetrievalError.wrap(error, "cannot create a collection in \(folder)")
        }
    }

    /// Opens the store in `folder`: reads the snapshot, replays the log, loads saved IVF-PQ indexes.
    ///
    /// - Throws: ``RetrievalError/Code/notFound`` when the folder holds no store, ``RetrievalError/Code/locked``
    ///   when another writer holds it, ``RetrievalError/Code/corruptFile`` for damage that is not a torn tail,
    ///   ``RetrievalError/Code/unsupportedVersion`` for files of a newer format.
    @concurrent public static func open(
        at folder: String,
        options: Options = Options()
    ) async throws(RetrievalError) -> LocalVectorStore {
        guard Files.exists(folder + "/snapshot") else {
            throw RetrievalError(.notFound, "\(folder) holds no collection (no snapshot file)")
        }
        let lock: FileLock
        do { lock = try acquireLock(folder) } catch { throw RetrievalError.wrap(error, "cannot open \(folder)") }
        do throws(FileError) {
            let snapshotPath = folder + "/snapshot"
            let snapshot = try Snapshot(reading: try Files.read(snapshotPath), path: snapshotPath)
            let (layout, keyword, metadata, generation) = (
                snapshot.layout, snapshot.keyword, snapshot.metadata, snapshot.generation
            )
            var state: StoreState
            do throws(RetrievalError) {
                state = try StoreState(layout: layout, keyword: keyword)
                try state.load(snapshot)
            } catch {
                throw FileError(.corrupt, path: snapshotPath, "the snapshot does not apply: \(error)")
            }
            let logPath = folder + "/log"
            // A background snapshot under way when the last run ended leaves `log.previous`: replayed before `log`
            // when the snapshot it was writing never landed, removed when it did.
            let previousPath = folder + "/log.previous"
            var previous: RecordLog.Contents?
            if Files.exists(previousPath) {
                let contents = try StoreFiles.openLog(previousPath).contents
                if contents.generation == generation {
                    previous = contents
                } else if contents.generation < generation {
                    try Files.remove(previousPath)
                } else {
                    throw FileError(
                        .corrupt,
                        path: previousPath,
                        "the log follows snapshot \(contents.generation), but the snapshot is \(generation)"
                    )
                }
            }
            if !Files.exists(logPath) {
                try RecordLog.create(
                    at: logPath,
                    magic: StoreFiles.logMagic,
                    version: StoreFiles.version,
                    generation: generation
                )
            }
            var (log, contents) = try StoreFiles.openLog(logPath)
            let followsPrevious = previous != nil && contents.generation == generation + 1
            if contents.generation < generation {
                // A snapshot was written but its new log was not: the old log's records are all in the snapshot.
                try RecordLog.create(
                    at: logPath,
                    magic: StoreFiles.logMagic,
                    version: StoreFiles.version,
                    generation: generation
                )
                (log, contents) = try StoreFiles.openLog(logPath)
            } else if contents.generation > generation && !followsPrevious {
                throw FileError(
                    .corrupt,
                    path: logPath,
                    "the log follows snapshot \(contents.generation), but the snapshot is \(generation)"
                )
            }
            loadApproximateIndexes(folder: folder, generation: generation, into: &state)
            for (path, log) in [(previousPath, previous), (logPath, contents)] {
                guard let log else { continue }
                for range in log.records {
                    let (puts, deletes) = try decodeRecord(log.bytes[range], path: path)
                    do throws(RetrievalError) {
                        try state.apply(puts: puts, deletes: deletes)
                    } catch {
                        throw FileError(.corrupt, path: path, "a log record does not apply: \(error)")
                    }
                }
            }
            state.finishOpening()
            let store = LocalVectorStore(
                folder: folder,
                layout: layout,
                keyword: keyword,
                metadata: metadata,
                state: state,
                writer: WriterState(
                    log: log,
                    generation: max(generation, contents.generation),
                    snapshotBytes: Files.size(of: snapshotPath) ?? 0,
                    folderLock: FolderLock(lock),
                    // Both logs stay until the next snapshot, which is then written on the commit path.
                    previousLogRemains: previous != nil
                ),
                options: options,
                truncatedLogBytes: contents.truncatedBytes
            )
            store.startTrainingWhereDue()
            return store
        } catch {
            throw RetrievalError.wrap(error, "cannot open the collection in \(folder)")
        }
    }

    /// Takes the folder's writer lock, waiting up to a second while it is held: a collection released just now may
    /// still be closing on another thread, and reopening it at once must not fail for that.
    static func acquireLock(_ folder: String) throws(FileError) -> FileLock {
        var attempt = 0
        while true {
            do {
                return try FileLock(folder + "/LOCK")
            } catch  where error.kind == .locked && attempt < 100 {
                attempt += 1
                usleep(10_000)
            }
        }
    }

    // MARK: - Committing

    /// Applies a batch: validated and logged, then applied in memory while the log syncs; readers see it once
    /// both are done.
    ///
    /// When the sync fails the store closes (memory may then hold a batch the disk does not): this call throws
    /// ``RetrievalError/Code/fileSystem``, later ones ``RetrievalError/Code/closed``; open the folder again to go
    /// on from what its files hold.
    public func apply(_ batch: VectorStoreBatch) async throws {
        try commit(batch)
    }

    func commit(_ batch: VectorStoreBatch) throws(RetrievalError) {
        try writer.withLock { (writer) throws(RetrievalError) in
            guard !writer.isClosed else { throw Self.closedError }
            let puts = try state.withReadLock { (state) throws(RetrievalError) in
                try state.validate(batch.puts)
                if batch.insertsOnly, let taken = batch.puts.first(where: { state.objects[$0.id] != nil }) {
                    throw RetrievalError(.duplicateID, "an object with id \(taken.id) is already stored")
                }
                return state.keyed(batch.puts)
            }
            var sync: (pending: PendingSync, logStart: Int)?
            if let log = writer.log {
                let record = Self.encodeRecord(puts: puts, deletes: batch.deletes)
                let before = log.length
                do throws(FileError) {
                    try log.append(record)
                } catch {
                    try? log.truncate(to: before)
                    throw RetrievalError.wrap(error, "cannot commit the batch to the log")
                }
                if options.syncOnCommit { sync = (log.startSync(), before) }
            }
            // The batch is applied in memory while the disk writes its record; readers wait behind the write lock
            // until both are done, so none sees a batch that is not durable.
            let (applied, syncFailure, derived) = state.withWriteLock { state in
                let applied = Result { () throws(RetrievalError) in
                    try state.apply(puts: puts, deletes: batch.deletes)
                }
                let failure = sync?.pending.wait()
                // Memory now holds a batch the disk may not: nothing is served from it any more.
                if failure != nil { state.isClosed = true }
                return (applied, failure, state.derived)
            }
            if let syncFailure, let log = writer.log {
                try? log.truncate(to: sync?.logStart ?? log.length)
                writer.isClosed = true
                writer.log = nil
                writer.folderLock = nil
                throw RetrievalError.wrap(
                    syncFailure,
                    "cannot make the batch durable, so the collection was closed; open it again to go on from what "
                        + "its files hold"
                )
            }
            let backlog = (try applied.get(), derived)
            // Readers go on meanwhile; only the next commit waits.
            if backlog.0 { backlog.1.catchUp() }
            startTrainingWhereDue()
            if let log = writer.log, log.length > max(options.snapshotThreshold, writer.snapshotBytes) {
                try startSnapshot(&writer)
            }
        }
    }

    // MARK: - Formats

    static func encodeRecord(puts: [KeyedPut], deletes: [UUID]) -> [UInt8] {
        var writer = BinaryWriter()
        // The vectors are most of a record; properties and names take what they need beyond this.
        writer.reserveCapacity(
            puts.reduce(16 * deletes.count + 16) { size, put in
                put.object.vectors.values.reduce(size + 128) { $0 + 4 * $1.count + 40 }
            }
        )
        writer.append(StoreFiles.recordVersion)
        writer.append(UInt32(puts.count))
        for put in puts { StorageCoding.append(put.object, key: put.key, vectors: put.object.vectors, to: &writer) }
        writer.append(UInt32(deletes.count))
        for id in deletes { StorageCoding.appendUUID(id, to: &writer) }
        return writer.bytes
    }

    static func decodeRecord(_ bytes: ArraySlice<UInt8>, path: String) throws(FileError) -> ([KeyedPut], [UUID]) {
        var reader = BinaryReader(bytes, path: path)
        let version = try reader.read(UInt8.self)
        guard version <= StoreFiles.recordVersion else {
            throw FileError(.unsupportedVersion, path: path, "a log record has version \(version)")
        }
        var puts: [KeyedPut] = []
        let putCount = Int(try reader.read(UInt32.self))
        for _ in 0..<min(putCount, reader.remaining) {
            let (object, key) = try StorageCoding.readObject(&reader)
            puts.append(KeyedPut(object: object, key: key))
        }
        var deletes: [UUID] = []
        let deleteCount = Int(try reader.read(UInt32.self))
        for _ in 0..<min(deleteCount, reader.remaining) { deletes.append(try StorageCoding.readUUID(&reader)) }
        guard puts.count == putCount, deletes.count == deleteCount, reader.isAtEnd else {
            throw FileError(.corrupt, path: path, "a log record's counts do not match its contents")
        }
        return (puts, deletes)
    }

    // MARK: - Approximate indexes

    static func loadApproximateIndexes(folder: String, generation: UInt64, into state: inout StoreState) {
        for (name, slot) in state.slots where slot.layout.index.approximate != nil {
            let path = "\(folder)/ann-\(name)-\(generation)"
            guard Files.exists(path), let bytes = try? Files.read(path),
                let index = try? IVFPQIndex(serialized: bytes), index.count == slot.exact.count
            else { continue }  // missing or unusable: retrained from the exact vectors
            state.slots[name]!.approximate = index
        }
    }

    /// Starts background training for every named vector that has reached its threshold without an index.
    func startTrainingWhereDue() {
        let due = state.withReadLock { state in
            state.slots.values.filter { slot in
                slot.approximate == nil && slot.changedDuringTraining == nil
                    && slot.layout.index.trainingThreshold.map { slot.exact.count >= $0 } == true
            }.map(\.layout.name)
        }
        for name in due { startTraining(name) }
    }

    private func startTraining(_ name: String) {
        training.withLock { tasks in
            guard tasks[name] == nil else { return }
            // Mark the slot so writes from now on are recorded, and read the vectors to train on.
            let snapshot: (ids: [UInt64], vectors: VectorMatrix)? = state.withWriteLock { state in
                guard var slot = state.slots[name], slot.approximate == nil else { return nil }
                slot.changedDuringTraining = []
                state.slots[name] = slot
                let ids = slot.exact.ids
                guard var vectors = try? VectorMatrix(dimension: slot.layout.dimension) else { return nil }
                vectors.reserveCapacity(ids.count)
                for id in ids { try? vectors.append(slot.exact.vector(for: id)!) }
                return (ids, vectors)
            }
            guard let snapshot else { return }
            tasks[name] = Task { [weak self] in
                self?.train(name, ids: snapshot.ids, vectors: snapshot.vectors)
                self?.training.withLock { $0[name] = nil }
            }
        }
    }

    private func train(_ name: String, ids: [UInt64], vectors: VectorMatrix) {
        guard let layout = layout.first(where: { $0.name == name }),
            let (configuration, _) = layout.index.approximate
        else { return }
        let index: IVFPQIndex
        do {
            index = try IVFPQIndex(dimension: layout.dimension, metric: layout.metric, configuration: configuration)
            _ = try index.train(vectors)
            try index.add(vectors, ids: ids)
        } catch {
            state.withWriteLock { $0.slots[name]?.changedDuringTraining = nil }
            return
        }
        if Task.isCancelled { return }
        state.withWriteLock { state in
            guard var slot = state.slots[name] else { return }
            // Catch up with the writes made while training, then swap the index in.
            for key in slot.changedDuringTraining ?? [] {
                index.remove([key])
                if let vector = slot.exact.vector(for: key) { try? index.add(vector, id: key) }
            }
            slot.approximate = index
            slot.changedDuringTraining = nil
            state.slots[name] = slot
        }
    }
}

extension LocalVectorStore {
    /// For tests: every later sync of the log fails as a failing disk's would (`EIO`).
    func failLogSyncs() {
        writer.withLock { writer in
            writer.log?.injectedSyncFailure = FileError(.system, path: folder ?? "", "cannot sync", errno: EIO)
        }
    }
}
