// SPDX-License-Identifier: Apache-2.0

/// A kind of input an embedder can turn into a vector.
public enum Modality: String, Sendable, Hashable, Codable, CaseIterable {
    /// Natural-language text.
    case text
    /// A still image.
    case image
    /// A sound recording.
    case audio
    /// A sequence of video frames.
    case video
    /// A single-channel depth map (``EmbeddingInput/depth(_:)``).
    case depth
    /// A single-channel thermal (infrared) image (``EmbeddingInput/thermal(_:)``).
    case thermal
    /// A six-channel inertial measurement series (``EmbeddingInput/imu(_:)``).
    case imu
}
