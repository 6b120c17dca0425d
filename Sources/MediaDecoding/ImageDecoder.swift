// SPDX-License-Identifier: Apache-2.0

/// Decodes one still-image file format from bytes in memory.
///
/// Conform to plug a platform decoder (ImageIO, a codec library) into a ``MediaDecoder``; the registry
/// asks each decoder in turn whether it recognises a file's magic bytes, never its file name.
///
/// ```swift
/// struct MyTIFFDecoder: ImageDecoder {
///     func canDecode(_ header: ArraySlice<UInt8>) -> Bool { header.starts(with: [0x49, 0x49, 0x2A, 0x00]) }
///     func decode(_ bytes: [UInt8], limits: DecodingLimits) throws -> Image { ... }
/// }
/// let decoder = MediaDecoder().registering(MyTIFFDecoder())
/// ```
public protocol ImageDecoder: Sendable {
    /// Whether the file starting with `header` (its first bytes, up to ``MediaDecoder/sniffLength``) looks
    /// like this decoder's format, judged by magic bytes alone.
    /// - Parameter header: The first bytes of the file; may be shorter than the magic for tiny files.
    /// - Returns: `true` if ``decode(_:limits:)`` should be tried.
    func canDecode(_ header: ArraySlice<UInt8>) -> Bool

    /// Decodes a whole file.
    /// - Parameters:
    ///   - bytes: The complete file.
    ///   - limits: Bounds to check before allocating.
    /// - Returns: The first (or only) image in the file.
    /// - Throws: An error saying what is wrong with the data; built-in decoders throw ``MediaDecodingError``.
    func decode(_ bytes: [UInt8], limits: DecodingLimits) throws -> Image

    /// Decodes a whole file and reports the damage it recovered from.
    ///
    /// The default implementation calls ``decode(_:limits:)`` and reports no warnings; decoders that
    /// recover from damaged files (``JPEGDecoder``) list what they recovered from.
    /// - Parameters:
    ///   - bytes: The complete file.
    ///   - limits: Bounds to check before allocating.
    /// - Returns: The first (or only) image in the file and the warnings.
    /// - Throws: An error saying what is wrong with the data; built-in decoders throw ``MediaDecodingError``.
    func decodeReportingWarnings(_ bytes: [UInt8], limits: DecodingLimits) throws -> DecodedImage
}

extension ImageDecoder {
    /// Decodes with ``decode(_:limits:)`` and reports no warnings.
    /// - Parameters:
    ///   - bytes: The complete file.
    ///   - limits: Bounds to check before allocating.
    /// - Returns: The image, with an empty warning list.
    /// - Throws: Whatever ``decode(_:limits:)`` throws.
    public func decodeReportingWarnings(_ bytes: [UInt8], limits: DecodingLimits) throws -> DecodedImage {
        DecodedImage(image: try decode(bytes, limits: limits))
    }
}
