// SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
public import Glibc
#elseif canImport(Musl)
public import Musl
#elseif canImport(Darwin)
public import Darwin
#endif

/// The error every `VectorIndex` operation throws: a stable ``code`` and a message that says what is wrong.
///
/// Switch on ``code`` to react to a kind of failure; show ``description`` to people. New codes may be added in
/// any release, so a `switch` over codes needs a `default` branch.
public struct VectorIndexError: Error, Sendable, CustomStringConvertible {
    /// A kind of failure.
    ///
    /// Compare with the static members, for example `error.code == .dimensionMismatch`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case dimensionMismatch, invalidVector, duplicateID, invalidArgument, corruptFile, unsupportedVersion
            case fileSystem, untrained, unsupported
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// A vector's length differs from the index's dimension.
        public static let dimensionMismatch = Code(.dimensionMismatch)
        /// A vector is empty or has a NaN or infinite component.
        public static let invalidVector = Code(.invalidVector)
        /// An id is already in the index (use `upsert` to replace), or appears twice in one call.
        public static let duplicateID = Code(.duplicateID)
        /// An argument is out of range (for example a dimension of 0, or mismatched counts).
        public static let invalidArgument = Code(.invalidArgument)
        /// A file is truncated, has the wrong magic number or fails its checksum or consistency checks.
        public static let corruptFile = Code(.corruptFile)
        /// A file was written by a newer format version than this library reads.
        public static let unsupportedVersion = Code(.unsupportedVersion)
        /// The file system refused an operation (open, write, sync, rename).
        public static let fileSystem = Code(.fileSystem)
        /// The index must be trained before this operation.
        public static let untrained = Code(.untrained)
        /// The operation or file content is valid but not supported by this implementation.
        public static let unsupported = Code(.unsupported)

        /// A stable name for the code, such as `dimensionMismatch`.
        public var description: String {
            switch value {
            case .dimensionMismatch: "dimensionMismatch"
            case .invalidVector: "invalidVector"
            case .duplicateID: "duplicateID"
            case .invalidArgument: "invalidArgument"
            case .corruptFile: "corruptFile"
            case .unsupportedVersion: "unsupportedVersion"
            case .fileSystem: "fileSystem"
            case .untrained: "untrained"
            case .unsupported: "unsupported"
            }
        }
    }

    /// The kind of failure.
    public let code: Code
    /// What went wrong, in words.
    public let message: String
    /// The error that caused this one, if any.
    public let underlying: (any Error)?
    /// The system's error number, as the C library's `POSIXErrorCode`, when a system call failed.
    ///
    /// Set for ``Code/fileSystem`` failures on index files: `error.posixCode == .ENOSPC`. The message also names
    /// the operation, the path and the system's reason.
    ///
    /// `VectorIndex` imports no Foundation, so the number is here rather than in a `POSIXError` as `underlying`;
    /// `POSIXError(code)` makes the Foundation error from it where one is wanted.
    public let posixCode: POSIXErrorCode?

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - message: What went wrong, in words.
    ///   - underlying: The error that caused this one, if any.
    ///   - posixCode: The system's error number, for a failed system call.
    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil, posixCode: POSIXErrorCode? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
        self.posixCode = posixCode
    }

    /// `code: message`, followed by `(underlying: …)` with the cause's own description when there is one.
    public var description: String {
        guard let underlying else { return "\(code): \(message)" }
        return "\(code): \(message) (underlying: \(String(describing: underlying)))"
    }
}
