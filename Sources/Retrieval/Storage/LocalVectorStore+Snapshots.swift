// SPDX-License-Identifier: Apache-2.0

import Dispatch
import VectorIndex
import _RAGInternals

/// A snapshot being written in the background: its outcome (the snapshot's size, or the error) once done.
typealias PendingSnapshot = Pending<Result<Int, RetrievalError>>

/// The writes behind snapshots.
///
/// A snapshot triggered by the log's growth is written off the commit path: under the writer lock the store takes
/// a frozen copy of its state (copy-on-write, so cheap), renames `log` to `log.previous` and starts a new `log`
/// for the next generation; a background thread then writes the snapshot of the copy and removes
/// `log.previous`. Commits go on meanwhile, into the new log. Whatever moment a crash picks, opening finds
/// either the old snapshot with `log.previous` and `log` (both replayed, in that order) or the new snapshot
/// with `log` (an obsolete `log.previous` is removed). ``LocalVectorStore/checkpoint()`` and
/// ``LocalVectorStore/close()`` write theirs on the spot, after waiting for one under way.
extension LocalVectorStore {
    /// Writes a snapshot now and starts a new, empty log (a no-op in memory).
    ///
    /// - Throws: ``RetrievalError/Code/fileSystem`` when the files cannot be written; the previous snapshot and
    ///   log then stay in force.
    @concurrent public func checkpoint() async throws(RetrievalError) {
        try writer.withLock { (writer) throws(RetrievalError) in
            guard !writer.isClosed else { throw Self.closedError }
            try snapshot(&writer)
        }
    }

    /// Closes the store: writes a snapshot when the log holds writes made since the last one, so that the next
    /// open reads the snapshot alone instead of replaying them, then releases the folder to other writers.
    ///
    /// Everything committed was already durable; closing only makes the next open faster. IVF-PQ indexes still
    /// training are abandoned (the next open trains them again). Every later call, reads included, throws
    /// ``RetrievalError/Code/closed``; closing again does nothing.
    ///
    /// - Throws: ``RetrievalError/Code/fileSystem`` when the snapshot cannot be written; the store then stays
    ///   open, with the previous snapshot and the log in force.
    @concurrent public func close() async throws(RetrievalError) {
        try writer.withLock { (writer) throws(RetrievalError) in
            guard !writer.isClosed else { return }
            training.withLock { tasks in for task in tasks.values { task.cancel() } }
            collectSnapshot(&writer, waiting: true)
            if let log = writer.log, log.length > RecordLog.headerSize || writer.previousLogRemains {
                try snapshot(&writer)
            }
            writer.isClosed = true
            state.withWriteLock { $0.isClosed = true }
            writer.log = nil
            writer.folderLock = nil
        }
    }

    static var closedError: RetrievalError { RetrievalError(.closed, "the collection was closed") }

    /// Takes in the outcome of a background snapshot that has finished (or, with `waiting`, waits for it).
    func collectSnapshot(_ writer: inout WriterState, waiting: Bool) {
        guard let pending = writer.pendingSnapshot else { return }
        guard let result = waiting ? pending.wait() : pending.result else { return }
        writer.pendingSnapshot = nil
        switch result {
        case .success(let bytes): writer.snapshotBytes = bytes
        case .failure: writer.previousLogRemains = true  // the next snapshot is written on the commit path
        }
    }

    /// Starts a background snapshot (see the extension's overview) unless one is still being written.
    func startSnapshot(_ writer: inout WriterState) throws(RetrievalError) {
        guard let folder, writer.log != nil else { return }
        collectSnapshot(&writer, waiting: false)
        guard writer.pendingSnapshot == nil else { return }
        if writer.previousLogRemains { return try snapshot(&writer) }
        let generation = writer.generation + 1
        let (image, approximate) = state.withReadLock { state in
            (state.frozen(), state.slots.compactMapValues { $0.approximate?.serialized() })
        }
        let logPath = folder + "/log"
        do throws(FileError) {
            try Files.rename(logPath, to: folder + "/log.previous")
            do throws(FileError) {
                writer.log = try StoreFiles.newLog(logPath, generation: generation)
            } catch {
                // Put the log back: the snapshot and the log stay as they were.
                try? Files.remove(logPath)
                try? Files.rename(folder + "/log.previous", to: logPath)
                throw error
            }
        } catch {
            throw RetrievalError.wrap(error, "cannot start a snapshot of \(folder)")
        }
        writer.generation = generation
        let pending = PendingSnapshot()
        writer.pendingSnapshot = pending
        let (layout, keyword, metadata, folderLock) = (layout, keyword, metadata, writer.folderLock)
        snapshotQueue.async {
            pending.finish(
                Result { () throws(RetrievalError) in
                    try Self.writeSnapshot(
                        Snapshot.parts(
                            layout: layout,
                            keyword: keyword,
                            metadata: metadata,
                            generation: generation,
                            state: image
                        ),
                        approximate: approximate,
                        generation: generation,
                        folder: folder
                    )
                }
            )
            // The folder stays locked until the snapshot is written, even if the store goes away meanwhile.
            withExtendedLifetime(folderLock) {}
        }
    }

    /// Writes a snapshot on the spot and starts a new, empty log, after waiting for a background one under way.
    func snapshot(_ writer: inout WriterState) throws(RetrievalError) {
        guard let folder, writer.log != nil else { return }
        collectSnapshot(&writer, waiting: true)
        let generation = writer.generation + 1
        let (parts, approximate) = state.withReadLock { state in
            (
                Snapshot.parts(
                    layout: layout,
                    keyword: keyword,
                    metadata: metadata,
                    generation: generation,
                    state: state
                ),
                state.slots.compactMapValues { $0.approximate?.serialized() }
            )
        }
        let size = try Self.writeSnapshot(parts, approximate: approximate, generation: generation, folder: folder)
        do throws(FileError) {
            writer.log = try StoreFiles.newLog(folder + "/log", generation: generation)
        } catch {
            throw RetrievalError.wrap(error, "cannot start a new log in \(folder)")
        }
        writer.generation = generation
        writer.snapshotBytes = size
        writer.previousLogRemains = false
    }

    /// Writes the snapshot file and the approximate indexes of `generation`; returns the snapshot's size.
    ///
    /// Then removes what the snapshot makes obsolete: `log.previous`, other generations' indexes.
    private static func writeSnapshot(
        _ parts: [[UInt8]],
        approximate: [String: [UInt8]],
        generation: UInt64,
        folder: String
    ) throws(RetrievalError) -> Int {
        do throws(FileError) {
            for (name, index) in approximate {
                try Files.writeAtomically(index, to: "\(folder)/ann-\(name)-\(generation)")
            }
            try Snapshot.write(parts, to: folder + "/snapshot")
            try Files.remove(folder + "/log.previous")
            for name in try Files.contents(ofFolder: folder) where name.hasPrefix("ann-") {
                if !approximate.keys.contains(where: { name == "ann-\($0)-\(generation)" }) {
                    try Files.remove("\(folder)/\(name)")
                }
            }
            return parts.reduce(0) { $0 + $1.count }
        } catch {
            throw RetrievalError.wrap(error, "cannot write a snapshot of \(folder)")
        }
    }
}
