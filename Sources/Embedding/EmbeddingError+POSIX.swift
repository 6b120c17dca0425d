// SPDX-License-Identifier: Apache-2.0

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension EmbeddingError {
    /// The error for a failed system call on a file: ``Code/notFound`` for `ENOENT`, else ``Code/fileSystem``, with
    /// the system's error number kept as a `POSIXError` in ``underlying`` (read it with `(error.underlying as?
    /// POSIXError)?.code`).
    /// - Parameters:
    ///   - number: The `errno` the call left.
    ///   - message: What was being done, naming the file.
    /// - Returns: The error to throw.
    static func posix(_ number: Int32, _ message: String) -> EmbeddingError {
        let underlying = POSIXError(POSIXErrorCode(rawValue: number) ?? .EIO)
        return EmbeddingError(number == ENOENT ? .notFound : .fileSystem, message, underlying: underlying)
    }
}
