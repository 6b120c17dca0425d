// SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
package import Glibc
#elseif canImport(Musl)
package import Musl
#elseif canImport(Darwin)
package import Darwin
#endif

/// A failure of the file helpers, with the system's error number kept for inspection.
///
/// This type is `package`, so a host program cannot name it and it is never a public error's `underlying`. Each
/// module turns it into its own error through ``message(_:)`` and ``posixCode``: the module error's message names
/// the operation, the path and the system's reason, and the `errno` reaches the host as the libc
/// `POSIXErrorCode` (inside a Foundation `POSIXError` as `underlying` where the module imports Foundation; as
/// `VectorIndexError.posixCode` in `VectorIndex`, which does not).
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

extension FileError {
    /// ``errno`` as the libc's public `POSIXErrorCode`, which a host can compare (`== .ENOENT`): set for system
    /// failures (an unknown number reads as `EIO`), `nil` for the other kinds, whose cause is in the bytes.
    package var posixCode: POSIXErrorCode? {
        errno.map { POSIXErrorCode(rawValue: $0) ?? .EIO }
    }

    /// A module error's message for this failure: `context` (what the module was doing), then ``description``
    /// (the helper's operation, the path and, for system failures, the system's reason and number).
    /// - Parameter context: What was being done, in the module's words; empty for none.
    /// - Returns: `context: description`, or ``description`` alone when `context` is empty.
    package func message(_ context: String) -> String {
        context.isEmpty ? description : "\(context): \(description)"
    }
}

@inline(__always)
private func currentErrno() -> Int32 { errno }
