// SPDX-License-Identifier: Apache-2.0

/// An image together with the damage its decoder recovered from.
///
/// ```swift
/// let decoded = try MediaDecoder().decodeImageReportingWarnings(bytes)
/// if !decoded.warnings.isEmpty { print("\(path): \(decoded.warnings)") }   // still indexed
/// let image = decoded.image
/// ```
public struct DecodedImage: Sendable, Hashable {
    /// The decoded image.
    public var image: Image
    /// The damage recovered from, in the order it was found; empty for an intact file.
    public var warnings: [MediaDecodingWarning]

    /// Creates a decoded image.
    /// - Parameters:
    ///   - image: The decoded image.
    ///   - warnings: The damage recovered from.
    public init(image: Image, warnings: [MediaDecodingWarning] = []) {
        self.image = image
        self.warnings = warnings
    }
}
