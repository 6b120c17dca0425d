// SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An advisory, exclusive lock on a file (`flock`), held until the value is dropped.
///
/// The lock belongs to the open file description, so a second ``FileLock`` on the same path fails whether it
/// is taken by another process or by this one; the kernel releases it when the process dies, so a crash never
/// leaves a stale lock behind.
package struct FileLock: ~Copyable, @unchecked Sendable {
    // SAFETY: the open file is only created in `init` and closed when the lock is dropped; nothing mutates it
    // in between, so sharing the value across threads cannot race.
    private let file: OpenFile

    /// Takes the lock on `path` (creating the file), or throws ``FileError/Kind/locked`` at once when it is held.
    package init(_ path: String) throws(FileError) {
        let file = try OpenFile(path, mode: .readWrite)
        guard flock(file.descriptor, LOCK_EX | LOCK_NB) == 0 else {
            if errno == EWOULDBLOCK {
                throw FileError(.locked, path: path, "the lock is held by another writer")
            }
            throw FileError.system("cannot lock", path: path)
        }
        self.file = file
    }

    /// Releases the lock now.
    package consuming func release() {}
}
