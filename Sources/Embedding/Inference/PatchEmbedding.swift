// SPDX-License-Identifier: Apache-2.0

/// A bias-free convolution without padding, written as im2col (patch gathering) followed by one matrix product.
///
/// The input of each item is `channels × frames × height × width` (row-major, PyTorch's `[C, T, H, W]`); a 2-D
/// convolution is the case `frames == 1`, `kernel.t == 1`. The weight is PyTorch's `[out, C, kt, kh, kw]` (or
/// `[out, C, kh, kw]`, or a `Linear` weight `[out, C × kw]` for a 1-D windowed projection), flattened. Output
/// rows are the patches of each item in row-major `(t, y, x)` order, `out` values each.
package struct PatchEmbedding: Sendable {
    /// A size or step along time, height and width.
    package struct Extent: Sendable, Hashable {
        package var t: Int
        package var h: Int
        package var w: Int

        package init(t: Int, h: Int, w: Int) {
            self.t = t
            self.h = h
            self.w = w
        }
    }

    /// The projection `[out, C × kt × kh × kw]`.
    let projection: Linear
    package let channels: Int
    package let kernel: Extent
    package let stride: Extent

    /// Creates the convolution from a flattened PyTorch weight.
    /// - Precondition: `weight.count == out × channels × kernel.t × kernel.h × kernel.w`; positive sizes.
    package init(weight: ContiguousArray<Float>, out: Int, channels: Int, kernel: Extent, stride: Extent) {
        precondition(out > 0 && channels > 0 && kernel.t > 0 && kernel.h > 0 && kernel.w > 0, "patch: sizes")
        precondition(stride.t > 0 && stride.h > 0 && stride.w > 0, "patch: stride")
        let patchLength = channels * kernel.t * kernel.h * kernel.w
        precondition(weight.count == out * patchLength, "patch: weight size")
        projection = Linear(weight: weight, bias: nil, inFeatures: patchLength, outFeatures: out)
        self.channels = channels
        self.kernel = kernel
        self.stride = stride
    }

    /// The output width (`out`).
    package var outFeatures: Int { projection.outFeatures }

    /// The number of positions along each axis for an input of `size`, or `nil` when the kernel does not fit.
    package func grid(for size: Extent) -> Extent? {
        guard size.t >= kernel.t, size.h >= kernel.h, size.w >= kernel.w else { return nil }
        return Extent(
            t: (size.t - kernel.t) / stride.t + 1,
            h: (size.h - kernel.h) / stride.h + 1,
            w: (size.w - kernel.w) / stride.w + 1
        )
    }

    /// Applies the convolution to `items` inputs of `size` stored back to back in `x`.
    /// - Returns: `items × patches` rows of ``outFeatures`` values.
    /// - Precondition: `x.count == items × channels × size.t × size.h × size.w` and the kernel fits.
    package func callAsFunction(_ x: [Float], items: Int, size: Extent, threads: Int) -> [Float] {
        guard let g = grid(for: size) else { preconditionFailure("patch: kernel larger than the input") }
        let itemLength = channels * size.t * size.h * size.w
        precondition(x.count == items * itemLength, "patch: input size")
        let patchLength = projection.inFeatures
        let patches = g.t * g.h * g.w
        var columns = [Float](repeating: 0, count: items * patches * patchLength)
        var out = 0
        for item in 0..<items {
            for pt in 0..<g.t {
                for py in 0..<g.h {
                    for px in 0..<g.w {
                        // The patch vector in (channel, t, y, x) order: the order of the flattened weight.
                        for c in 0..<channels {
                            for dt in 0..<kernel.t {
                                let frame = ((item * channels + c) * size.t + pt * stride.t + dt) * size.h
                                for dy in 0..<kernel.h {
                                    let src = (frame + py * stride.h + dy) * size.w + px * stride.w
                                    for dx in 0..<kernel.w { columns[out + dx] = x[src + dx] }
                                    out += kernel.w
                                }
                            }
                        }
                    }
                }
            }
        }
        return projection(columns, rows: items * patches, threads: threads)
    }
}
