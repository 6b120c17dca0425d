// SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A failure of the file helpers, with the system's error number kept for inspection.
///
/// Each module wraps it in its own error type (as `underlying`), so a caller can still read ``errno`` and the
/// printed message names the path, the operation and the system's reason.
package struct FileError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure.
    package enum Kind: Sendable, Hashable {
        /// The system refused an operation; ``FileError/errno`` says why.
        case system
        /// The bytes are not what the format says (bad magic, checksum, length).
        case corrupt
        /// A file was written by a newer format version.
        case unsupportedVersion
        /// Another open file description holds the lock.
        case locked
    }

    /// What kind of failure.
    package let kind: Kind
    /// The file or folder concerned.
    package let path: String
    /// What was being done, or what is wrong, in words.
    package let message: String
    /// The system's error number for ``Kind/system`` failures.
    package let errno: Int32?

    package init(_ kind: Kind, path: String, _ message: String, errno: Int32? = nil) {
        self.kind = kind
        self.path = path
        self.message = message
        self.errno = errno
    }

    /// A ``Kind/system`` failure carrying the calling thread's current `errno`.
    package static func system(_ operation: String, path: String) -> FileError {
        FileError(.system, path: path, operation, errno: currentErrno())
    }

    /// The message, the path and, for system failures, the system's reason and number.
    package var description: String {
        guard let errno else { return "\(message) (\(path))" }
        let reason = unsafe strerror(errno).map { unsafe String(cString: $0) } ?? "unknown error"
        return "\(message) (\(path)): \(reason) [errno \(errno)]"
    }
}

@inline(__always)
private func currentErrno() -> Int32 { errno }
