// SPDX-License-Identifier: Apache-2.0

/// A registry of decoders that picks one by the file's magic bytes (never its name or extension).
///
/// Host decoders registered with `registering(_:)` are asked before the built-in ones, so a
/// platform codec can take over a format or add a new one.
///
/// ```swift
/// let decoder = MediaDecoder()
/// let image = try decoder.decodeImage(pngBytes)
/// let audio = try decoder.decodeAudio(wavBytes, limits: DecodingLimits(maxFrames: 48_000 * 600))
/// let clip = try decoder.decodeVideo(aviBytes)     // frames decoded on demand
/// ```
public struct MediaDecoder: Sendable {
    /// How many leading bytes are passed to `canDecode`.
    public static let sniffLength = 64

    /// The image decoders, asked in order.
    public private(set) var imageDecoders: [any ImageDecoder]
    /// The audio decoders, asked in order.
    public private(set) var audioDecoders: [any AudioDecoder]
    /// The video decoders, asked in order.
    public private(set) var videoDecoders: [any VideoDecoder]

    /// Creates a registry holding the built-in decoders: PNG, JPEG (EXIF orientation applied), BMP, GIF,
    /// PNM (P5/P6) images, WAV and FLAC audio, and Y4M, AVI (Motion-JPEG), animated GIF and MP4/MOV (codec
    /// identification only) video.
    public init() {
        imageDecoders = [PNGDecoder(), JPEGDecoder(), GIFDecoder(), BMPDecoder(), PNMDecoder()]
        audioDecoders = [WAVDecoder(), FLACDecoder()]
        videoDecoders = [Y4MDecoder(), AVIDecoder(), GIFVideoDecoder(), MP4Decoder()]
    }

    /// Creates a registry holding exactly the given decoders.
    /// - Parameters:
    ///   - imageDecoders: Image decoders, asked in order.
    ///   - audioDecoders: Audio decoders, asked in order.
    ///   - videoDecoders: Video decoders, asked in order; none by default.
    public init(
        imageDecoders: [any ImageDecoder],
        audioDecoders: [any AudioDecoder],
        videoDecoders: [any VideoDecoder] = []
    ) {
        self.imageDecoders = imageDecoders
        self.audioDecoders = audioDecoders
        self.videoDecoders = videoDecoders
    }

    /// A copy of this registry that asks `decoder` before every other image decoder.
    /// - Parameter decoder: The decoder to put in front.
    /// - Returns: The extended registry.
    public func registering(_ decoder: some ImageDecoder) -> MediaDecoder {
        var copy = self
        copy.imageDecoders.insert(decoder, at: 0)
        return copy
    }

    /// A copy of this registry that asks `decoder` before every other audio decoder.
    /// - Parameter decoder: The decoder to put in front.
    /// - Returns: The extended registry.
    public func registering(_ decoder: some AudioDecoder) -> MediaDecoder {
        var copy = self
        copy.audioDecoders.insert(decoder, at: 0)
        return copy
    }

    /// A copy of this registry that asks `decoder` before every other video decoder.
    /// - Parameter decoder: The decoder to put in front.
    /// - Returns: The extended registry.
    public func registering(_ decoder: some VideoDecoder) -> MediaDecoder {
        var copy = self
        copy.videoDecoders.insert(decoder, at: 0)
        return copy
    }

    /// The first image decoder that recognises `bytes`, or `nil`.
    /// - Parameter bytes: The file, or at least its first ``sniffLength`` bytes.
    /// - Returns: The decoder to use.
    public func imageDecoder(for bytes: [UInt8]) -> (any ImageDecoder)? {
        let header = bytes.prefix(Self.sniffLength)
        return imageDecoders.first { $0.canDecode(header) }
    }

    /// The first audio decoder that recognises `bytes`, or `nil`.
    /// - Parameter bytes: The file, or at least its first ``sniffLength`` bytes.
    /// - Returns: The decoder to use.
    public func audioDecoder(for bytes: [UInt8]) -> (any AudioDecoder)? {
        let header = bytes.prefix(Self.sniffLength)
        return audioDecoders.first { $0.canDecode(header) }
    }

    /// Decodes an image with the first decoder that recognises its magic bytes.
    /// - Parameters:
    ///   - bytes: The complete file.
    ///   - limits: Bounds passed to the decoder.
    /// - Returns: The decoded image.
    /// - Throws: ``MediaDecodingError`` with ``MediaDecodingError/Code/unknownFormat`` when no decoder
    ///   recognises the bytes; otherwise whatever the chosen decoder throws.
    public func decodeImage(_ bytes: [UInt8], limits: DecodingLimits = .default) throws -> Image {
        guard let decoder = imageDecoder(for: bytes) else {
            throw MediaDecodingError(
                .unknownFormat,
                "no image decoder recognises the first bytes \(Self.describe(bytes))"
            )
        }
        return try decoder.decode(bytes, limits: limits)
    }

    /// Decodes an image with the first decoder that recognises its magic bytes, and reports the damage the
    /// decoder recovered from (a JPEG with junk between segments or a scan cut short decodes as libjpeg-turbo
    /// decodes it, with warnings; see ``JPEGDecoder``).
    /// - Parameters:
    ///   - bytes: The complete file.
    ///   - limits: Bounds passed to the decoder.
    /// - Returns: The decoded image and its warnings.
    /// - Throws: ``MediaDecodingError`` with ``MediaDecodingError/Code/unknownFormat`` when no decoder
    ///   recognises the bytes; otherwise whatever the chosen decoder throws.
    public func decodeImageReportingWarnings(
        _ bytes: [UInt8],
        limits: DecodingLimits = .default
    ) throws -> DecodedImage {
        guard let decoder = imageDecoder(for: bytes) else {
            throw MediaDecodingError(
                .unknownFormat,
                "no image decoder recognises the first bytes \(Self.describe(bytes))"
            )
        }
        return try decoder.decodeReportingWarnings(bytes, limits: limits)
    }

    /// Decodes audio with the first decoder that recognises its magic bytes.
    /// - Parameters:
    ///   - bytes: The complete file.
    ///   - limits: Bounds passed to the decoder.
    /// - Returns: The decoded audio.
    /// - Throws: ``MediaDecodingError`` with ``MediaDecodingError/Code/unknownFormat`` when no decoder
    ///   recognises the bytes; otherwise whatever the chosen decoder throws.
    public func decodeAudio(_ bytes: [UInt8], limits: DecodingLimits = .default) throws -> AudioBuffer {
        guard let decoder = audioDecoder(for: bytes) else {
            throw MediaDecodingError(
                .unknownFormat,
                "no audio decoder recognises the first bytes \(Self.describe(bytes))"
            )
        }
        return try decoder.decode(bytes, limits: limits)
    }

    static func describe(_ bytes: [UInt8]) -> String {
        if bytes.isEmpty { return "(empty input)" }
        let digits = "0123456789abcdef".map { $0 }
        let shown = bytes.prefix(8).map { "\(digits[Int($0 >> 4)])\(digits[Int($0 & 15)])" }.joined(separator: " ")
        return "[\(shown)] of \(bytes.count) bytes"
    }
}
