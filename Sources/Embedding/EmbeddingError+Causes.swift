// SPDX-License-Identifier: Apache-2.0

import _RAGInternals

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

    /// The error for a failed file helper: ``Code/notFound`` for `ENOENT`, else ``Code/fileSystem``; the message
    /// adds the helper's operation, path and the system's reason, and the `errno` is kept as a `POSIXError` in
    /// ``underlying`` (`nil` when the failure is not the system's; see `FileError.posixCode`).
    /// - Parameters:
    ///   - error: What the helper threw.
    ///   - message: What was being done, naming the file.
    /// - Returns: The error to throw.
    static func file(_ error: FileError, _ message: String) -> EmbeddingError {
        EmbeddingError(
            error.errno == ENOENT ? .notFound : .fileSystem,
            error.message(message),
            underlying: error.posixCode.map { POSIXError($0) }
        )
    }

    /// The error for a JSON file that does not decode: the message names the file and the key path at fault
    /// (`config.json: missing key "text_config.hidden_size"`), and the decoder's own error is ``underlying``.
    ///
    /// An ``EmbeddingError`` thrown while decoding (a value out of range) gives its message, prefixed by `name`.
    /// - Parameters:
    ///   - code: The code to throw, such as ``Code/invalidConfiguration`` or ``Code/malformedJSON``.
    ///   - name: The file, as the message should name it.
    ///   - error: What the decoder threw.
    /// - Returns: The error to throw.
    static func json(_ code: Code, _ name: String, _ error: any Error) -> EmbeddingError {
        let reason: String
        switch error {
        case let error as EmbeddingError:
            return EmbeddingError(code, "\(name): \(error.message)", underlying: error.underlying)
        case let error as DecodingError:
            reason = describe(error)
        default:
            reason = "cannot be read"
        }
        return EmbeddingError(code, "\(name): \(reason)", underlying: error)
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.isEmpty
                ? "top level"
                : "key \""
                    + keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
                    .joined(separator: ".") + "\""
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)) is not a \(type)"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)) is null, expected \(type)"
        case .keyNotFound(let key, let context):
            return "missing \(path(context.codingPath + [key]))"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : "\(path(context.codingPath)) is malformed"
        @unknown default:
            return "not valid JSON"
        }
    }
}
