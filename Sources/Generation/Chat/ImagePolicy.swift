// SPDX-License-Identifier: Apache-2.0

import MediaDecoding

/// How a chat client prepares image parts before sending them: the largest side and size it sends, and the
/// JPEG quality it re-encodes with.
///
/// An image in a format the provider accepts, within both budgets, goes out as given (only its media type is
/// corrected if its bytes say otherwise). Otherwise it is decoded, scaled down so its longer side is at most
/// ``maxSide`` (Pillow-exact bicubic resize, aspect ratio kept, never scaled up), and re-encoded: as PNG if it
/// was PNG (or has alpha) and the provider takes PNG, else as JPEG at ``jpegQuality``. If the result is still
/// over ``maxBytes``, the side shrinks by a quarter at a time until it fits.
public struct ImagePolicy: Sendable, Hashable {
    /// The longest side, in pixels, an image is sent with; `nil` for no limit.
    public var maxSide: Int?
    /// The most encoded bytes an image is sent with; `nil` for no limit.
    public var maxBytes: Int?
    /// The JPEG quality (1...100) of re-encoded images.
    public var jpegQuality: Int

    /// Creates a policy.
    /// - Precondition: `maxSide` and `maxBytes`, if set, are at least 1.
    public init(maxSide: Int? = nil, maxBytes: Int? = nil, jpegQuality: Int = 85) {
        precondition((maxSide ?? 1) >= 1 && (maxBytes ?? 1) >= 1, "image budgets must be positive")
        self.maxSide = maxSide
        self.maxBytes = maxBytes
        self.jpegQuality = jpegQuality
    }

    /// Bytes and media type ready for a provider that accepts `accepted` media types.
    /// - Throws: ``GenerationError/Code/invalidImage`` when the bytes can not be decoded but need to be.
    func prepare(
        _ bytes: [UInt8],
        mediaType declared: String,
        accepted: Set<String>
    ) throws(GenerationError) -> (bytes: [UInt8], mediaType: String) {
        let mediaType = ChatImage.sniffMediaType(bytes) ?? declared.lowercased()
        let fitsBytes = maxBytes.map { bytes.count <= $0 } ?? true
        if accepted.contains(mediaType), fitsBytes {
            guard let maxSide else { return (bytes, mediaType) }
            if let size = ImageDimensions.read(bytes), max(size.width, size.height) <= maxSide {
                return (bytes, mediaType)
            }
        }
        let image: Image
        do {
            image = try MediaDecoder().decodeImage(bytes)
        } catch {
            throw GenerationError(.invalidImage, "cannot decode a \(mediaType) image part", underlying: error)
        }
        let longer = max(image.width, image.height)
        if accepted.contains(mediaType), fitsBytes, longer <= maxSide ?? longer {
            return (bytes, mediaType)
        }
        let png = accepted.contains("image/png") && (mediaType == "image/png" || image.format.hasAlpha)
        var side = min(longer, maxSide ?? longer)
        while true {
            let scaled = Self.fitted(image, longerSide: side)
            let encoded = png ? PNGEncoder().encode(scaled) : JPEGEncoder(quality: jpegQuality).encode(scaled)
            if maxBytes.map({ encoded.count <= $0 }) ?? true || side <= 16 {
                return (encoded, png ? "image/png" : "image/jpeg")
            }
            side = max(16, side * 3 / 4)
        }
    }

    /// `image` scaled down (never up) so that its longer side is `longerSide`, aspect ratio kept.
    static func fitted(_ image: Image, longerSide: Int) -> Image {
        let longer = max(image.width, image.height)
        guard longer > longerSide else { return image }
        let scale = Double(longerSide) / Double(longer)
        let width = max(1, Int((Double(image.width) * scale).rounded()))
        let height = max(1, Int((Double(image.height) * scale).rounded()))
        return image.resized(width: width, height: height)
    }
}
