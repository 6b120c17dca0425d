// SPDX-License-Identifier: Apache-2.0

import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An `fsync` running on another thread, started by ``RecordLog/startSync()``, so that the thread that appended
/// the records can do other work while the disk writes them.
package struct PendingSync: Sendable {
    private let pending = Pending<FileError?>()

    /// Starts syncing `descriptor` on `queue`, or reports `failure` instead when it is given (a test's injected
    /// failure).
    ///
    /// `queue` is a serial queue of its own, not a global one: the thread waiting for the sync may hold locks
    /// that work on the global queues' few threads waits for, and a queue of its own always gets a thread.
    init(descriptor: Int32, path: String, failure: FileError?, on queue: DispatchQueue) {
        let pending = pending
        queue.async {
            pending.finish(failure ?? (fsync(descriptor) == 0 ? nil : FileError.system("cannot sync", path: path)))
        }
    }

    /// Waits for the sync to finish: `nil` once every record appended before it started is durable, otherwise the
    /// error.
    package func wait() -> FileError? { pending.wait() }
}
