// SPDX-License-Identifier: Apache-2.0

public import Foundation
public import MediaDecoding

/// An image in a chat message: encoded bytes with their media type, or a URL the provider fetches itself.
///
/// Each client sends it in its provider's own format (a `data:` URL for OpenAI, base64 with `media_type` for
/// Anthropic, `inline_data` for Gemini, raw base64 for Ollama). The media type sent is the one the bytes really
/// have (PNG, JPEG, GIF, WebP and BMP are recognised by their first bytes, whatever label they were given); an
/// image in a format the provider does not accept, or larger than the client's ``ImagePolicy``, is decoded,
/// scaled down and re-encoded first.
public struct ChatImage: Sendable, Hashable {
    /// Where the image comes from.
    public enum Source: Sendable, Hashable {
        /// Encoded image bytes and their media type, such as `image/png`.
        case data([UInt8], mediaType: String)
        /// An `https` (or `data:`) URL the provider downloads.
        case url(URL)
    }

    /// How closely OpenAI looks at the image (`detail`); other providers ignore it.
    public enum Detail: String, Sendable, Hashable {
        /// A 512 × 512 view, fewer tokens.
        case low
        /// The full view, more tokens.
        case high
        /// The model decides (OpenAI's default).
        case auto
    }

    /// Where the image comes from.
    public var source: Source
    /// OpenAI's `detail`; `nil` sends none.
    public var detail: Detail?

    /// An image from encoded bytes.
    /// - Parameters:
    ///   - data: The encoded image (PNG, JPEG, GIF, WebP, …).
    ///   - mediaType: Its media type, such as `image/jpeg`; corrected if the bytes say otherwise.
    ///   - detail: OpenAI's `detail`.
    public init(data: [UInt8], mediaType: String, detail: Detail? = nil) {
        self.source = .data(data, mediaType: mediaType)
        self.detail = detail
    }

    /// An image the provider downloads from `url`.
    public init(url: URL, detail: Detail? = nil) {
        self.source = .url(url)
        self.detail = detail
    }

    /// A decoded image, encoded as PNG (lossless) or as JPEG at `jpegQuality`.
    /// - Parameters:
    ///   - image: The pixels.
    ///   - jpegQuality: If set, JPEG at this quality (1...100) instead of PNG.
    ///   - detail: OpenAI's `detail`.
    public init(_ image: Image, jpegQuality: Int? = nil, detail: Detail? = nil) {
        if let jpegQuality {
            self.init(data: JPEGEncoder(quality: jpegQuality).encode(image), mediaType: "image/jpeg", detail: detail)
        } else {
            self.init(data: PNGEncoder().encode(image), mediaType: "image/png", detail: detail)
        }
    }

    /// The media type the first bytes of an encoded image announce, or `nil` if they match no known format.
    public static func sniffMediaType(_ bytes: [UInt8]) -> String? {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return "image/png" }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if bytes.starts(with: Array("GIF8".utf8)) { return "image/gif" }
        if bytes.count >= 12, bytes.starts(with: Array("RIFF".utf8)), Array(bytes[8..<12]) == Array("WEBP".utf8) {
            return "image/webp"
        }
        if bytes.starts(with: Array("BM".utf8)) { return "image/bmp" }
        return nil
    }
}
