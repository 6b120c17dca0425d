// SPDX-License-Identifier: Apache-2.0

public import MediaDecoding

/// One image an ``ImageGenerator`` made: decoded pixels, the bytes as the provider sent them, and the prompt the
/// provider actually used if it rewrote it.
public struct GeneratedImage: Sendable, Hashable {
    /// The decoded image.
    public var image: Image
    /// The encoded image as received (PNG, JPEG, …).
    public var data: [UInt8]
    /// The media type of ``data``.
    public var mediaType: String
    /// The prompt the provider rewrote the request's into (`dall-e-3`'s `revised_prompt`), if any.
    public var revisedPrompt: String?

    /// Creates a generated image.
    public init(image: Image, data: [UInt8], mediaType: String, revisedPrompt: String? = nil) {
        self.image = image
        self.data = data
        self.mediaType = mediaType
        self.revisedPrompt = revisedPrompt
    }
}
