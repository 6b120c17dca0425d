// SPDX-License-Identifier: Apache-2.0

/// Where one tensor of a PyTorch checkpoint lives, as validated when the file was opened.
///
/// A PyTorch tensor is a view of a storage (an archive member `<root>/data/<key>`): element `[i₀, i₁, …]` is
/// storage element `storageOffset + Σ iₖ · stridesₖ`. State dicts are almost always contiguous; a strided view
/// (a transposed or sliced tensor saved as it is) is gathered into row-major order when it is read.
public struct PyTorchTensorInfo: Sendable, Hashable {
    /// The tensor's name in the state dict, for example `modality_heads.vision.2.weight`.
    public let name: String
    /// The element type of its storage (`torch.FloatStorage` is ``SafetensorsDType/f32``, `HalfStorage`
    /// ``SafetensorsDType/f16``, `BFloat16Storage` ``SafetensorsDType/bf16``, `LongStorage`
    /// ``SafetensorsDType/i64``, and so on).
    public let dtype: SafetensorsDType
    /// The shape, outermost dimension first (empty for a scalar).
    public let shape: [Int]
    /// Elements to step per index of each dimension.
    public let strides: [Int]
    /// The storage's key (its member is `<root>/data/<key>`); tensors may share one.
    public let storageKey: String
    /// The first element's index within the storage, in elements.
    public let storageOffset: Int

    /// The number of elements, the product of ``shape``.
    public var elementCount: Int { shape.reduce(1, *) }

    /// Whether the elements are stored in row-major order without gaps (dimensions of size 1 may have any
    /// stride), so they can be copied in one piece.
    public var isContiguous: Bool {
        var expected = 1
        for (size, stride) in zip(shape, strides).reversed() where size != 1 {
            if stride != expected { return false }
            expected *= size
        }
        return true
    }
}
