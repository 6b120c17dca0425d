// SPDX-License-Identifier: Apache-2.0

extension Activation {
    /// Applies the activation to `count` values at `x` (the lanes of ``apply(_:)``: every value gets the same
    /// bits whichever values are computed with it).
    package func apply(_ x: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .gelu: unsafe VectorMath.transform(x, count: count, VectorMath.gelu)
        case .quickGELU: unsafe VectorMath.transform(x, count: count, VectorMath.quickGELU)
        }
    }
}
