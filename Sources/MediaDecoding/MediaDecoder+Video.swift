// SPDX-License-Identifier: Apache-2.0

extension MediaDecoder {
    /// The first video decoder that recognises `bytes`, or `nil`.
    /// - Parameter bytes: The file, or at least its first ``sniffLength`` bytes.
    /// - Returns: The decoder to use.
    public func videoDecoder(for bytes: [UInt8]) -> (any VideoDecoder)? {
        let header = bytes.prefix(Self.sniffLength)
        return videoDecoders.first { $0.canDecode(header) }
    }

    /// Whether some image decoder of this registry recognises `bytes` (for example, whether a JPEG decoder
    /// is registered for an MJPEG frame).
    /// - Parameter bytes: The file, or at least its first ``sniffLength`` bytes.
    /// - Returns: `true` when ``imageDecoder(for:)`` finds one.
    public func canDecodeImage(_ bytes: [UInt8]) -> Bool {
        imageDecoder(for: bytes) != nil
    }

    /// Reads a video container with the first decoder that recognises its magic bytes.
    ///
    /// Only the container's headers and index are read here; frames are decoded by ``VideoClip/frame(at:)``.
    /// - Parameters:
    ///   - bytes: The complete file.
    ///   - limits: Bounds passed to the decoder (``DecodingLimits/maxVideoFrames``, pixels per frame).
    /// - Returns: The clip.
    /// - Throws: ``MediaDecodingError`` with ``MediaDecodingError/Code/unknownFormat`` when no decoder
    ///   recognises the bytes, ``MediaDecodingError/Code/unsupportedCodec`` for a known container holding a
    ///   codec this module does not decode (MP4 with H.264, AVI with XVID …); otherwise whatever the chosen
    ///   decoder throws.
    public func decodeVideo(_ bytes: [UInt8], limits: DecodingLimits = .default) throws -> VideoClip {
        guard let decoder = videoDecoder(for: bytes) else {
            throw MediaDecodingError(
                .unknownFormat,
                "no video decoder recognises the first bytes \(Self.describe(bytes))"
            )
        }
        var clip = try decoder.decode(bytes, limits: limits, using: self)
        clip.containerBytes = bytes
        return clip
    }
}
