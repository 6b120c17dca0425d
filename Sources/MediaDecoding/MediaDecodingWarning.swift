// SPDX-License-Identifier: Apache-2.0

/// Damage a decoder found in a file and recovered from, the way the reference decoder does, instead of
/// refusing the file.
///
/// Returned in ``DecodedImage/warnings`` by ``MediaDecoder/decodeImageReportingWarnings(_:limits:)`` and
/// ``ImageDecoder/decodeReportingWarnings(_:limits:)``. A decoder asked to refuse damaged data (for example
/// `JPEGDecoder(damageHandling: .reject)`) throws a ``MediaDecodingError`` with the same message instead.
///
/// Switch on ``code``; ``message`` is for people and may change between releases.
public struct MediaDecodingWarning: Sendable, Hashable, CustomStringConvertible {
    /// A kind of damage that was recovered from.
    ///
    /// New codes may be added without breaking existing `switch` statements.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String, Sendable {
            case extraneousData
            case prematureEndOfScan
            case prematureEndOfFile
            case invalidHuffmanData
            case restartMarkerMismatch
            case coefficientOverrun
        }

        private let kind: Kind

        private init(_ kind: Kind) {
            self.kind = kind
        }

        /// Bytes that belong to no segment were skipped before a marker.
        ///
        /// Junk between segments, an APPn segment whose length is wrong, data left over after a scan.
        /// libjpeg: "extraneous bytes before marker".
        public static let extraneousData = Code(.extraneousData)
        /// A scan's entropy-coded data ended before all its blocks were decoded.
        ///
        /// It ended at a marker or at the end of the file. The rest of the restart interval is filled as libjpeg
        /// fills it (zero coefficients: mid-grey for a sequential scan, the earlier scans' values for a
        /// progressive one). libjpeg: "premature end of data segment".
        public static let prematureEndOfScan = Code(.prematureEndOfScan)
        /// The file ends without an EOI marker.
        ///
        /// Decoding stopped there as if EOI followed. libjpeg: "Premature end of JPEG file".
        public static let prematureEndOfFile = Code(.prematureEndOfFile)
        /// Entropy-coded data held bit patterns that are no code of the Huffman table.
        ///
        /// Each was read as the symbol 0 (a zero DC difference, or the end of the block), as libjpeg reads it;
        /// progressive refinement symbols of a size other than 1 are counted here too. libjpeg: "bad Huffman code".
        public static let invalidHuffmanData = Code(.invalidHuffmanData)
        /// A restart marker was missing or out of order.
        ///
        /// The decoder resynchronised by libjpeg's rules: it skipped to a later marker, or read the intervals
        /// whose marker is missing as empty. libjpeg: "found marker 0xNN instead of RSTn".
        public static let restartMarkerMismatch = Code(.restartMarkerMismatch)
        /// A zero run went past the last coefficient of a block.
        ///
        /// The value was stored in the last coefficient, as libjpeg stores it (libjpeg does this silently).
        public static let coefficientOverrun = Code(.coefficientOverrun)

        /// A stable identifier for the code, such as `"prematureEndOfScan"`.
        public var description: String { kind.rawValue }
    }

    /// The kind of damage.
    public var code: Code
    /// What exactly was wrong and how it was handled, for people to read.
    public var message: String
    /// The byte offset in the file where the damage was found, when known.
    public var offset: Int?

    /// Creates a warning.
    /// - Parameters:
    ///   - code: The kind of damage.
    ///   - message: What exactly was wrong.
    ///   - offset: The byte offset where it was found, when known.
    public init(_ code: Code, _ message: String, offset: Int? = nil) {
        self.code = code
        self.message = message
        self.offset = offset
    }

    /// The stable code string followed by the message, for example
    /// `"extraneousData: 3 extraneous bytes before marker FFDB at offset 20"`.
    public var description: String { "\(code): \(message)" }
}
