// SPDX-License-Identifier: Apache-2.0

public import MediaDecoding

/// A depth map or thermal image: either a decoded image, which an embedder converts to one gray plane and
/// preprocesses (ImageBind: Pillow's `convert("L")`, bicubic short side 224, centre crop, normalise, as Weaviate's
/// `multi2vec-bind` container does), or floats already in the model's input form (`height × width`, row-major,
/// normalised: the `[1, 224, 224]` tensor ImageBind's depth and thermal towers take).
///
/// ```swift
/// let depth = EmbeddingInput.depth(SingleChannelMap(try MediaDecoder().decodeImage(pngBytes)))
/// let thermal = EmbeddingInput.thermal(try SingleChannelMap(width: 224, height: 224, values: tensor))
/// ```
public struct SingleChannelMap: Sendable {
    /// What the map holds.
    public enum Content: Sendable {
        /// A decoded image of any pixel format (colour is converted to luminance, alpha dropped).
        case image(Image)
        /// Model-ready floats, `height × width`, row-major.
        case values(ContiguousArray<Float>)
    }

    /// The width in pixels or values.
    public let width: Int
    /// The height in pixels or values.
    public let height: Int
    /// The image or the floats.
    public let content: Content

    /// Wraps a decoded image.
    /// - Parameter image: The depth or thermal image.
    public init(_ image: Image) {
        width = image.width
        height = image.height
        content = .image(image)
    }

    /// Wraps model-ready floats.
    /// - Parameters:
    ///   - width: Values per row.
    ///   - height: Rows.
    ///   - values: `height × width` finite floats, row-major.
    /// - Throws: ``EmbeddingError/Code/invalidInput`` for an empty map, a count that is not `width × height`, or
    ///   a value that is not finite.
    public init(width: Int, height: Int, values: ContiguousArray<Float>) throws(EmbeddingError) {
        guard width > 0, height > 0, width.multipliedReportingOverflow(by: height) == (values.count, false) else {
            throw EmbeddingError(
                .invalidInput,
                "a \(width) × \(height) map needs \(max(0, width) * max(0, height)) values, not \(values.count)"
            )
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw EmbeddingError(.invalidInput, "the map has a non-finite value at \(bad)")
        }
        self.width = width
        self.height = height
        content = .values(values)
    }
}
