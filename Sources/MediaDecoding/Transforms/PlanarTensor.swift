// SPDX-License-Identifier: Apache-2.0

/// A dense channel-first (`C × H × W`) block of 32-bit floats, as vision models take their input.
///
/// Element (`c`, `y`, `x`) is `values[(c × height + y) × width + x]`.
public struct PlanarTensor: Sendable, Hashable {
    /// The number of planes.
    public let channels: Int
    /// The rows per plane.
    public let height: Int
    /// The columns per plane.
    public let width: Int
    /// The elements, plane by plane, row by row: `channels × height × width` of them.
    public let values: ContiguousArray<Float>

    /// Creates a tensor from channel-first values.
    /// - Parameters:
    ///   - channels: The number of planes.
    ///   - height: The rows per plane.
    ///   - width: The columns per plane.
    ///   - values: `channels × height × width` elements, channel-first.
    /// - Precondition: The sizes are not negative and match the element count.
    public init(channels: Int, height: Int, width: Int, values: ContiguousArray<Float>) {
        precondition(channels >= 0 && height >= 0 && width >= 0, "negative tensor size")
        precondition(values.count == channels * height * width, "element count does not match the shape")
        self.channels = channels
        self.height = height
        self.width = width
        self.values = values
    }

    /// The shape `[channels, height, width]`.
    public var shape: [Int] { [channels, height, width] }

    /// The element at plane `channel`, row `y`, column `x`.
    public subscript(channel: Int, y: Int, x: Int) -> Float {
        precondition((0..<channels).contains(channel) && (0..<height).contains(y) && (0..<width).contains(x))
        return values[(channel * height + y) * width + x]
    }
}
