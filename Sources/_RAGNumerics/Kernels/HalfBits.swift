// SPDX-License-Identifier: Apache-2.0

/// IEEE 754 binary16 conversions on bit patterns, for weights stored in half precision.
///
/// Swift's `Float16` type is unavailable on Intel Macs, so the halves are `UInt16` bit patterns converted with
/// integer operations (the same rules as VectorIndex's stored vectors); the product widens them with the
/// dispatched F16C kernel where there is one.
package enum HalfBits {
    /// The largest finite half-precision value.
    package static let greatestFiniteMagnitude: Float = 65504

    /// Rounds `value` to the nearest half-precision value (ties to even); out-of-range values become infinity.
    @inline(__always)
    package static func narrow(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        let sign = UInt16(truncatingIfNeeded: (bits >> 16) & 0x8000)
        let magnitude = bits & 0x7FFF_FFFF
        if magnitude >= 0x7F80_0000 {  // infinity or NaN (quiet)
            return sign | (magnitude > 0x7F80_0000 ? 0x7E00 : 0x7C00)
        }
        if magnitude >= 0x477F_F000 { return sign | 0x7C00 }  // 65520 and above round to infinity
        if magnitude < 0x3880_0000 {  // below 2⁻¹⁴: a subnormal half (or zero), in units of 2⁻²⁴
            let scaled = (Float(bitPattern: magnitude) * 0x1p24).rounded(.toNearestOrEven)
            return sign | UInt16(scaled)
        }
        let rebased = magnitude &- 0x3800_0000  // exponent bias 127 → 15
        var half = rebased >> 13
        let dropped = rebased & 0x1FFF
        if dropped > 0x1000 || (dropped == 0x1000 && half & 1 == 1) { half += 1 }
        return sign | UInt16(truncatingIfNeeded: half)
    }

    /// The Float32 value of a half-precision bit pattern (exact).
    @inline(__always)
    package static func widen(_ bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let magnitude = UInt32(bits & 0x7FFF)
        if magnitude >= 0x7C00 {
            return Float(bitPattern: sign | 0x7F80_0000 | (magnitude & 0x3FF) << 13)
        }
        // Placing the exponent and mantissa 13 bits up and scaling by 2¹¹² rebiases normals and subnormals alike.
        return Float(bitPattern: sign | (Float(bitPattern: magnitude << 13) * 0x1p112).bitPattern)
    }

    /// Widens `count` bit patterns from `source` into `destination` (F16C where the CPU has it).
    package static func widen(
        _ source: UnsafePointer<UInt16>,
        count: Int,
        into destination: UnsafeMutablePointer<Float>
    ) {
        #if arch(x86_64)
        if unsafe Kernels._widenHalves(source, count: count, into: destination) { return }
        #endif
        for i in 0..<count { unsafe destination[i] = widen(source[i]) }
    }

    /// Widens every bit pattern of `source` into the first `source.count` floats of `destination` (F16C where
    /// the CPU has it).
    ///
    /// - Precondition: `source.count <= destination.count`.
    package static func widen(_ source: Span<UInt16>, into destination: inout MutableSpan<Float>) {
        precondition(source.count <= destination.count, "widen: destination too short")
        guard source.count > 0 else { return }
        unsafe source.withUnsafeBufferPointer { s in
            unsafe destination.withUnsafeMutableBufferPointer { d in
                unsafe widen(s.baseAddress!, count: s.count, into: d.baseAddress!)
            }
        }
    }
}
