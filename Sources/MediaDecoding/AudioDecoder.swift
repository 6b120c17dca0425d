// SPDX-License-Identifier: Apache-2.0

/// Decodes one audio file format from bytes in memory.
///
/// ```swift
/// struct MyMP3Decoder: AudioDecoder {
///     func canDecode(_ header: ArraySlice<UInt8>) -> Bool { header.starts(with: Array("ID3".utf8)) }
///     func decode(_ bytes: [UInt8], limits: DecodingLimits) throws -> AudioBuffer { ... }
/// }
/// ```
public protocol AudioDecoder: Sendable {
    /// Whether the file starting with `header` looks like this decoder's format, judged by magic bytes alone.
    /// - Parameter header: The first bytes of the file; may be shorter than the magic for tiny files.
    /// - Returns: `true` if ``decode(_:limits:)`` should be tried.
    func canDecode(_ header: ArraySlice<UInt8>) -> Bool

    /// Decodes a whole file.
    /// - Parameters:
    ///   - bytes: The complete file.
    ///   - limits: Bounds to check before allocating.
    /// - Returns: All samples as 32-bit floats.
    /// - Throws: An error saying what is wrong with the data; built-in decoders throw ``MediaDecodingError``.
    func decode(_ bytes: [UInt8], limits: DecodingLimits) throws -> AudioBuffer
}
