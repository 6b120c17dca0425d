// SPDX-License-Identifier: Apache-2.0

/// Reads one video container format from bytes in memory.
///
/// Conform to plug a platform decoder (AVFoundation, a codec library) into a ``MediaDecoder``; the registry
/// asks each decoder in turn whether it recognises a file's magic bytes, never its file name. Decoders
/// whose frames are still images (Motion-JPEG) decode them with the image decoders of the registry they
/// are given, so registering a JPEG ``ImageDecoder`` is enough to make MJPEG AVI frames decodable.
///
/// ```swift
/// struct MyMP4Decoder: VideoDecoder {
///     func canDecode(_ header: ArraySlice<UInt8>) -> Bool { header.dropFirst(4).starts(with: Array("ftyp".utf8)) }
///     func decode(_ bytes: [UInt8], limits: DecodingLimits, using registry: MediaDecoder) throws -> VideoClip {
///         ...   // build a VideoClip whose decodeFrame closure calls the platform codec
///     }
/// }
/// let decoder = MediaDecoder().registering(MyMP4Decoder())
/// ```
public protocol VideoDecoder: Sendable {
    /// Whether the file starting with `header` (its first bytes, up to ``MediaDecoder/sniffLength``) looks
    /// like this decoder's format, judged by magic bytes alone.
    /// - Parameter header: The first bytes of the file; may be shorter than the magic for tiny files.
    /// - Returns: `true` if ``decode(_:limits:using:)`` should be tried.
    func canDecode(_ header: ArraySlice<UInt8>) -> Bool

    /// Reads a whole container and returns a clip that decodes its frames on demand.
    /// - Parameters:
    ///   - bytes: The complete file.
    ///   - limits: Bounds to check before allocating (frame count, pixels per frame).
    ///   - registry: The registry whose image decoders decode still-image frames such as MJPEG's JPEGs.
    /// - Returns: The clip.
    /// - Throws: An error saying what is wrong with the data; built-in decoders throw ``MediaDecodingError``.
    func decode(_ bytes: [UInt8], limits: DecodingLimits, using registry: MediaDecoder) throws -> VideoClip
}
