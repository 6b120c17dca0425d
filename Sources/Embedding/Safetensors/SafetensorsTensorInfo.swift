// SPDX-License-Identifier: Apache-2.0

/// Where one tensor lives in a safetensors file, as validated from the header.
public struct SafetensorsTensorInfo: Sendable, Hashable {
    /// The tensor's name, for example `text_model.embeddings.token_embedding.weight`.
    public let name: String
    /// The element type.
    public let dtype: SafetensorsDType
    /// The shape, outermost dimension first (empty for a scalar).
    public let shape: [Int]
    /// The byte range within the data section (after the header).
    public let dataRange: Range<Int>

    /// The number of elements, the product of ``shape``.
    public var elementCount: Int { shape.reduce(1, *) }
}
