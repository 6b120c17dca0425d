// SPDX-License-Identifier: Apache-2.0

public import MediaDecoding

/// One item to embed, tagged with its modality.
///
/// ```swift
/// let clip = try MediaDecoder().decodeVideo(videoBytes)        // frames are decoded later, only those used
/// let inputs: [EmbeddingInput] = [.text("a photo of a cat"), .image(decodedImage), .video(clip)]
/// let ownFrames = try EmbeddingInput.video(frames: framesFromMyDecoder)
/// ```
public enum EmbeddingInput: Sendable {
    /// A piece of text.
    case text(String)
    /// A decoded image.
    case image(Image)
    /// Decoded audio.
    case audio(AudioBuffer)
    /// A video clip. Its frames are decoded when an embedder samples them, and only those: a ``CLIPEmbedder``
    /// decodes at most ``CLIPEmbedder/maxVideoFrames`` frames, at `VideoClip.frameIndices(sampledUniformly:)`.
    ///
    /// Use ``video(frames:)`` for frames your own decoder produced.
    case video(VideoClip)

    /// A depth map: a single-channel image, or model-ready floats.
    case depth(SingleChannelMap)
    /// A thermal image: a single-channel image, or model-ready floats.
    case thermal(SingleChannelMap)
    /// An inertial measurement series: accelerometer and gyroscope, 6 channels over time.
    case imu(IMUSeries)
    /// A video given as frames a host decoded itself, in display order.
    ///
    /// The clip is `1` frame per second and as large as its first frame (embedders preprocess each frame on its
    /// own, so frames of other sizes are fine).
    /// - Parameter frames: The frames, at least one.
    /// - Returns: A ``video(_:)`` input over those frames.
    /// - Throws: ``EmbeddingError/Code/invalidInput`` when `frames` is empty.
    public static func video(frames: [Image]) throws(EmbeddingError) -> EmbeddingInput {
        guard let first = frames.first else {
            throw EmbeddingError(.invalidInput, "a video needs at least one frame")
        }
        let clip = VideoClip(
            width: first.width,
            height: first.height,
            frameCount: frames.count,
            frameRate: VideoClip.FrameRate(1)
        ) { index throws(MediaDecodingError) in frames[index] }
        return .video(clip)
    }

    /// The modality of this input.
    public var modality: Modality {
        switch self {
        case .text: .text
        case .image: .image
        case .audio: .audio
        case .video: .video
        case .depth: .depth
        case .thermal: .thermal
        case .imu: .imu
        }
    }
}
