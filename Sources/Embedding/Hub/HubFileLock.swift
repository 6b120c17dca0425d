// SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive `flock(2)` lock on a lock file, as `huggingface_hub` (through the `filelock` package) takes one on
/// `<cache>/.locks/models--namespace--name/<etag>.lock` while it downloads a blob.
///
/// Because both take the same lock on the same file, a Swift process and a Python process sharing a cache never
/// download the same blob at the same time. `flock` locks belong to open file descriptions, so two ``HubFileLock``
/// values opened in one process exclude each other too, and the kernel releases the lock when the holder exits,
/// however it exits. The lock file itself is left in place, as `filelock` leaves it: deleting it would let a
/// third process lock a new file while a second still holds the old one.
///
/// Acquiring never blocks: ``tryLock()`` asks with `LOCK_NB`, and the caller sleeps between attempts, so a waiting
/// task does not hold a thread of the cooperative pool.
struct HubFileLock: ~Copyable {
    /// What ``tryLock()`` found.
    enum Attempt {
        /// The lock is held by this value now.
        case acquired
        /// Another open file description holds the lock.
        case busy
        /// The file system does not support `flock` (some network file systems); proceed without the lock.
        case unsupported
    }

    private let fd: Int32
    /// The lock file's path.
    let path: String

    /// Opens (creating if needed) the lock file at `path`; its folder must exist.
    /// - Throws: ``EmbeddingError/Code/fileSystem`` when the file can not be opened.
    init(path: String) throws(EmbeddingError) {
        let fd = unsafe open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Self.failure("cannot open the lock file \(path)") }
        self.fd = fd
        self.path = path
    }

    deinit { close(fd) }  // closing the descriptor releases the lock

    /// Tries once to take the exclusive lock, without waiting.
    /// - Throws: ``EmbeddingError/Code/fileSystem`` for an unexpected `flock` failure.
    func tryLock() throws(EmbeddingError) -> Attempt {
        while true {
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { return .acquired }
            let code = errno
            if code == EINTR { continue }
            if code == EWOULDBLOCK { return .busy }
            // ENOTSUP and EOPNOTSUPP are one value on Linux and two on Darwin.
            if [ENOLCK, ENOTSUP, EOPNOTSUPP, ENOSYS].contains(code) { return .unsupported }
            throw Self.failure("cannot lock \(path)", code: code)
        }
    }

    /// ``EmbeddingError/Code/fileSystem`` with the `errno` kept as a `POSIXError` in `underlying`.
    private static func failure(_ what: String, code: Int32 = errno) -> EmbeddingError {
        let error = EmbeddingError.posix(code, what)
        return EmbeddingError(.fileSystem, error.message, underlying: error.underlying)
    }
}
