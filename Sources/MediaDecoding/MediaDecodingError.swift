// SPDX-License-Identifier: Apache-2.0

/// The error every decoder in this module throws: what kind of failure it was, and exactly what is wrong.
///
/// Switch on ``code`` to react to a kind of failure; ``message`` is for people and may change between releases.
public struct MediaDecodingError: Error, Sendable, CustomStringConvertible {
    /// A kind of decoding failure.
    ///
    /// New codes may be added without breaking existing `switch` statements.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String, Sendable {
            case truncated
            case corrupt
            case checksumMismatch
            case unsupported
            case limitExceeded
            case unknownFormat
            case unsupportedCodec
        }

        private let kind: Kind

        private init(_ kind: Kind) {
            self.kind = kind
        }

        /// The data ends before the format says it should.
        public static let truncated = Code(.truncated)
        /// The data violates the format (impossible header value, invalid compressed stream, bad index).
        public static let corrupt = Code(.corrupt)
        /// A stored checksum (CRC-32, Adler-32) does not match the data.
        public static let checksumMismatch = Code(.checksumMismatch)
        /// The data is valid but uses a feature this decoder does not implement.
        public static let unsupported = Code(.unsupported)
        /// Decoding would exceed a ``DecodingLimits`` value (pixel count, decompressed size, frame count).
        public static let limitExceeded = Code(.limitExceeded)
        /// No registered decoder recognises the data's magic bytes.
        public static let unknownFormat = Code(.unknownFormat)
        /// The container was recognised but its video or audio stream uses a codec this module does not
        /// decode (H.264, HEVC, AV1, MPEG-4 Part 2 …); the message names the codec's four-character code.
        public static let unsupportedCodec = Code(.unsupportedCodec)

        /// A stable identifier for the code, such as `"truncated"`.
        public var description: String { kind.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// What exactly is wrong, for people to read.
    public var message: String
    /// The error that caused this one, if any.
    public var underlying: (any Error)?

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - message: What exactly is wrong.
    ///   - underlying: The error that caused this one, if any.
    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// The stable code string followed by the message, for example `"truncated: PNG chunk IDAT ends early"`.
    public var description: String {
        if let underlying {
            return "\(code): \(message) (\(underlying))"
        }
        return "\(code): \(message)"
    }
}

extension MediaDecodingError {
    static func truncated(_ message: String) -> MediaDecodingError { MediaDecodingError(.truncated, message) }
    static func corrupt(_ message: String) -> MediaDecodingError { MediaDecodingError(.corrupt, message) }
    static func unsupported(_ message: String) -> MediaDecodingError { MediaDecodingError(.unsupported, message) }
    static func limit(_ message: String) -> MediaDecodingError { MediaDecodingError(.limitExceeded, message) }
    static func unsupportedCodec(_ message: String) -> MediaDecodingError {
        MediaDecodingError(.unsupportedCodec, message)
    }
}
