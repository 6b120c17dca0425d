// SPDX-License-Identifier: Apache-2.0

/// A reconstruction filter for ``Image/resized(width:height:filter:)``, with Pillow's kernels and supports.
///
/// When an axis shrinks, the kernel is stretched by the reduction factor (antialiasing), exactly as
/// Pillow's `Image.resize` does; when it grows, the plain kernel is used.
public enum ResizeFilter: Sendable, Hashable, CaseIterable {
    /// Keys' cubic convolution with a = −0.5 (Pillow `BICUBIC`), support 2.
    case bicubic
    /// The triangle (tent) filter (Pillow `BILINEAR`), support 1.
    case bilinear
    /// The box filter (Pillow `BOX`): each output pixel averages the input pixels it covers; support ½.
    case box

    /// The kernel's half-width in input pixels before stretching.
    var support: Double {
        switch self {
        case .bicubic: 2
        case .bilinear: 1
        case .box: 0.5
        }
    }

    /// The kernel evaluated at `x` (in unstretched pixel units).
    func weight(_ x: Double) -> Double {
        switch self {
        case .bicubic:
            let a = -0.5
            let t = x < 0 ? -x : x
            if t < 1 { return ((a + 2) * t - (a + 3)) * t * t + 1 }
            if t < 2 { return (((t - 5) * t + 8) * t - 4) * a }
            return 0
        case .bilinear:
            let t = x < 0 ? -x : x
            return t < 1 ? 1 - t : 0
        case .box:
            return x > -0.5 && x <= 0.5 ? 1 : 0
        }
    }
}
