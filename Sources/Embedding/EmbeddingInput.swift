// SPDX-License-Identifier: Apache-2.0

public import MediaDecoding

/// One item to embed, tagged with its modality.
///
/// ```swift
/// let inputs: [EmbeddingInput] = [.text("a photo of a cat"), .image(decodedImage)]
/// ```
public enum EmbeddingInput: Sendable, Hashable {
    /// A piece of text.
    case text(String)
    /// A decoded image.
    case image(Image)
    /// Decoded audio.
    case audio(AudioBuffer)
    /// Video, given as its decoded frames in display order.
    case video([Image])

    /// The modality of this input.
    public var modality: Modality {
        switch self {
        case .text: .text
        case .image: .image
        case .audio: .audio
        case .video: .video
        }
    }
}
