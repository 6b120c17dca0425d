// SPDX-License-Identifier: Apache-2.0

/// The accurate integer inverse DCT (the "islow" method of the IJG libraries).
///
/// A separable 8-point Loeffler–Ligtenberg–Moschytz transform in 13-bit fixed point, columns first, with two
/// extra bits of precision between the passes. Sharing the factorisation and rounding points with libjpeg-turbo's default
/// method makes its output match that library's bit for bit on valid data.
package enum JPEGIDCT {
    private static let constBits = 13
    private static let pass1Bits = 2

    // The rotation constants, round(c * 2^13).
    private static let c0298631336 = 2446
    private static let c0390180644 = 3196
    private static let c0541196100 = 4433
    private static let c0765366865 = 6270
    private static let c0899976223 = 7373
    private static let c1175875602 = 9633
    private static let c1501321110 = 12299
    private static let c1847759065 = 15137
    private static let c1961570560 = 16069
    private static let c2053119869 = 16819
    private static let c2562915447 = 20995
    private static let c3072711026 = 25172

    /// Transforms one block of dequantised coefficients (natural order) into 8×8 samples, one column or row
    /// at a time in 64-bit arithmetic: the scalar twin of ``transform(_:into:stride:)``, used by the tests.
    /// - Parameters:
    ///   - block: 64 coefficients; overwritten with the intermediate result.
    ///   - output: The top-left sample; rows are `stride` bytes apart.
    ///   - stride: Bytes between output rows.
    package static func transformReference(
        _ block: UnsafeMutablePointer<Int32>,
        into output: UnsafeMutablePointer<UInt8>,
        stride: Int
    ) {
        // Pass 1: columns, results scaled up by 2^pass1Bits, stored back in `block`.
        for column in 0..<8 {
            let p = unsafe block + column
            let in1 = Int(unsafe p[8])
            let in2 = Int(unsafe p[16])
            let in3 = Int(unsafe p[24])
            let in4 = Int(unsafe p[32])
            let in5 = Int(unsafe p[40])
            let in6 = Int(unsafe p[48])
            let in7 = Int(unsafe p[56])
            let in0 = Int(unsafe p[0])
            if in1 | in2 | in3 | in4 | in5 | in6 | in7 == 0 {
                let dc = Int32(truncatingIfNeeded: in0 &<< pass1Bits)
                for row in 0..<8 { unsafe p[row * 8] = dc }
                continue
            }
            let o = butterfly(in0, in1, in2, in3, in4, in5, in6, in7)
            let shift = constBits - pass1Bits
            let round = 1 << (shift - 1)
            unsafe p[0] = Int32(truncatingIfNeeded: (o.0 &+ round) >> shift)
            unsafe p[8] = Int32(truncatingIfNeeded: (o.1 &+ round) >> shift)
            unsafe p[16] = Int32(truncatingIfNeeded: (o.2 &+ round) >> shift)
            unsafe p[24] = Int32(truncatingIfNeeded: (o.3 &+ round) >> shift)
            unsafe p[32] = Int32(truncatingIfNeeded: (o.4 &+ round) >> shift)
            unsafe p[40] = Int32(truncatingIfNeeded: (o.5 &+ round) >> shift)
            unsafe p[48] = Int32(truncatingIfNeeded: (o.6 &+ round) >> shift)
            unsafe p[56] = Int32(truncatingIfNeeded: (o.7 &+ round) >> shift)
        }
        // Pass 2: rows, descaled by 2^(constBits + pass1Bits + 3) and level-shifted by 128.
        for row in 0..<8 {
            let p = unsafe block + row * 8
            let q = unsafe output + row * stride
            let in0 = Int(unsafe p[0])
            let in1 = Int(unsafe p[1])
            let in2 = Int(unsafe p[2])
            let in3 = Int(unsafe p[3])
            let in4 = Int(unsafe p[4])
            let in5 = Int(unsafe p[5])
            let in6 = Int(unsafe p[6])
            let in7 = Int(unsafe p[7])
            if in1 | in2 | in3 | in4 | in5 | in6 | in7 == 0 {
                let value = clamp(((in0 &+ 16) >> 5) &+ 128)
                for column in 0..<8 { unsafe q[column] = value }
                continue
            }
            let o = butterfly(in0, in1, in2, in3, in4, in5, in6, in7)
            let shift = constBits + pass1Bits + 3
            let round = (1 << (shift - 1)) &+ (128 << shift)
            unsafe q[0] = clamp((o.0 &+ round) >> shift)
            unsafe q[1] = clamp((o.1 &+ round) >> shift)
            unsafe q[2] = clamp((o.2 &+ round) >> shift)
            unsafe q[3] = clamp((o.3 &+ round) >> shift)
            unsafe q[4] = clamp((o.4 &+ round) >> shift)
            unsafe q[5] = clamp((o.5 &+ round) >> shift)
            unsafe q[6] = clamp((o.6 &+ round) >> shift)
            unsafe q[7] = clamp((o.7 &+ round) >> shift)
        }
    }

    /// Transforms one block of dequantised coefficients (natural order) into 8×8 samples.
    ///
    /// Works on eight columns (then eight rows) at a time in `SIMD8<Int32>` lanes. 32 bits hold every
    /// intermediate of a valid 8-bit JPEG, as in libjpeg-turbo's own SIMD code; invalid data wraps around
    /// instead of trapping.
    /// - Parameters:
    ///   - block: 64 coefficients; overwritten with the intermediate result.
    ///   - output: The top-left sample; rows are `stride` bytes apart.
    ///   - stride: Bytes between output rows.
    @inline(__always)
    package static func transform(
        _ block: UnsafeMutablePointer<Int32>,
        into output: UnsafeMutablePointer<UInt8>,
        stride: Int
    ) {
        typealias V = SIMD8<Int32>
        let raw = UnsafeMutableRawPointer(block)
        // Pass 1: lane c holds column c; vector r holds row r.
        let rows = unsafe (
            raw.loadUnaligned(fromByteOffset: 0, as: V.self), raw.loadUnaligned(fromByteOffset: 32, as: V.self),
            raw.loadUnaligned(fromByteOffset: 64, as: V.self), raw.loadUnaligned(fromByteOffset: 96, as: V.self),
            raw.loadUnaligned(fromByteOffset: 128, as: V.self), raw.loadUnaligned(fromByteOffset: 160, as: V.self),
            raw.loadUnaligned(fromByteOffset: 192, as: V.self), raw.loadUnaligned(fromByteOffset: 224, as: V.self)
        )
        let o = butterfly16(rows.0, rows.1, rows.2, rows.3, rows.4, rows.5, rows.6, rows.7)
        let round1 = V(repeating: Int32(1 << (constBits - pass1Bits - 1)))
        let shift1 = V(repeating: Int32(constBits - pass1Bits))
        // Round, then transpose in registers: afterwards vector c holds column c, lane r row r.
        let columns = transposed(
            (
                (o.0 &+ round1) &>> shift1, (o.1 &+ round1) &>> shift1, (o.2 &+ round1) &>> shift1,
                (o.3 &+ round1) &>> shift1, (o.4 &+ round1) &>> shift1, (o.5 &+ round1) &>> shift1,
                (o.6 &+ round1) &>> shift1, (o.7 &+ round1) &>> shift1
            )
        )
        let q = butterfly16(columns.0, columns.1, columns.2, columns.3, columns.4, columns.5, columns.6, columns.7)
        let shift2 = V(repeating: Int32(constBits + pass1Bits + 3))
        let round2 = V(
            repeating: (1 << (Int32(constBits + pass1Bits + 3) - 1)) + (128 << Int32(constBits + pass1Bits + 3))
        )
        // Vector k holds output column k; transpose back to rows, then store each row as 8 bytes.
        let out = transposed(
            (
                clampToByte((q.0 &+ round2) &>> shift2), clampToByte((q.1 &+ round2) &>> shift2),
                clampToByte((q.2 &+ round2) &>> shift2), clampToByte((q.3 &+ round2) &>> shift2),
                clampToByte((q.4 &+ round2) &>> shift2), clampToByte((q.5 &+ round2) &>> shift2),
                clampToByte((q.6 &+ round2) &>> shift2), clampToByte((q.7 &+ round2) &>> shift2)
            )
        )
        unsafe storeBytes(out.0, output)
        unsafe storeBytes(out.1, output + stride)
        unsafe storeBytes(out.2, output + 2 * stride)
        unsafe storeBytes(out.3, output + 3 * stride)
        unsafe storeBytes(out.4, output + 4 * stride)
        unsafe storeBytes(out.5, output + 5 * stride)
        unsafe storeBytes(out.6, output + 6 * stride)
        unsafe storeBytes(out.7, output + 7 * stride)
    }

    typealias Block = (
        SIMD8<Int32>, SIMD8<Int32>, SIMD8<Int32>, SIMD8<Int32>, SIMD8<Int32>, SIMD8<Int32>, SIMD8<Int32>,
        SIMD8<Int32>
    )

    /// The 8×8 transpose of eight row vectors, as three perfect unshuffles of the 64 elements: each moves
    /// index bits `(r2 r1 r0 c2 c1 c0)` one place to the right (rotating), so three swap row and column.
    @inline(__always)
    static func transposed(_ m: Block) -> Block {
        unshuffled(unshuffled(unshuffled(m)))
    }

    /// The even-indexed elements of the 64 followed by the odd-indexed ones.
    @inline(__always)
    private static func unshuffled(_ m: Block) -> Block {
        let a = SIMD16(lowHalf: m.0, highHalf: m.1)
        let b = SIMD16(lowHalf: m.2, highHalf: m.3)
        let c = SIMD16(lowHalf: m.4, highHalf: m.5)
        let d = SIMD16(lowHalf: m.6, highHalf: m.7)
        return (a.evenHalf, b.evenHalf, c.evenHalf, d.evenHalf, a.oddHalf, b.oddHalf, c.oddHalf, d.oddHalf)
    }

    /// Stores eight lanes holding 0...255 as eight consecutive bytes: one row of samples.
    ///
    /// Packs with shifts and even/odd shuffles (the generic narrowing conversion is not inlined).
    @inline(__always)
    static func storeBytes(_ v: SIMD8<Int32>, _ output: UnsafeMutablePointer<UInt8>) {
        let pairs = v.evenHalf | (v.oddHalf &<< 8)
        let quads = pairs.evenHalf | (pairs.oddHalf &<< 16)
        let word = UInt64(UInt32(bitPattern: quads[0])) | UInt64(UInt32(bitPattern: quads[1])) << 32
        unsafe UnsafeMutableRawPointer(output).storeBytes(of: word.littleEndian, as: UInt64.self)
    }

    /// Clamps every lane to 0...255 with bit operations only (the generic `clamped` is not inlined).
    ///
    /// Negative lanes become 0 and lanes over 255 become 255.
    @inline(__always)
    static func clampToByte(_ v: SIMD8<Int32>) -> SIMD8<Int32> {
        let nonNegative = v & ~(v &>> 31)
        return (nonNegative | ((255 &- nonNegative) &>> 31)) & 255
    }

    /// ``butterfly(_:_:_:_:_:_:_:_:)`` on eight columns (or rows) at once, with every product expanded to one
    /// 16-bit input times one constant below 2^15.
    ///
    /// The inputs are first narrowed to 16 bits (sign-extended from their low half, as libjpeg-turbo's SIMD
    /// code stores them); that lets the compiler use 16-bit multiplies instead of emulating 32-bit ones on
    /// SSE2. The expanded constants are exact sums of the shared ones (for example
    /// `−11363 = 2446 − 7373 − 16069 + 9633`), so the integer results are identical.
    @inline(__always)
    private static func butterfly16(
        _ w0: SIMD8<Int32>,
        _ w1: SIMD8<Int32>,
        _ w2: SIMD8<Int32>,
        _ w3: SIMD8<Int32>,
        _ w4: SIMD8<Int32>,
        _ w5: SIMD8<Int32>,
        _ w6: SIMD8<Int32>,
        _ w7: SIMD8<Int32>
    ) -> Block {
        let in0 = (w0 &<< 16) &>> 16
        let in1 = (w1 &<< 16) &>> 16
        let in2 = (w2 &<< 16) &>> 16
        let in3 = (w3 &<< 16) &>> 16
        let in4 = (w4 &<< 16) &>> 16
        let in5 = (w5 &<< 16) &>> 16
        let in6 = (w6 &<< 16) &>> 16
        let in7 = (w7 &<< 16) &>> 16
        let even2 = in2 &* 4433 &+ in6 &* -10704
        let even3 = in2 &* 10703 &+ in6 &* 4433
        let even0 = (in0 &+ in4) &<< Int32(constBits)
        let even1 = (in0 &- in4) &<< Int32(constBits)
        let t10 = even0 &+ even3
        let t13 = even0 &- even3
        let t11 = even1 &+ even2
        let t12 = even1 &- even2
        let odd0 = in7 &* -11363 &+ in1 &* 2260 &+ in3 &* -6436 &+ in5 &* 9633
        let odd1 = in5 &* 2261 &+ in3 &* -11362 &+ in1 &* 6437 &+ in7 &* 9633
        let odd2 = in3 &* -2259 &+ in5 &* -11362 &+ in7 &* -6436 &+ in1 &* 9633
        let odd3 = in1 &* 11363 &+ in7 &* 2260 &+ in5 &* 6437 &+ in3 &* 9633
        return (
            t10 &+ odd3, t11 &+ odd2, t12 &+ odd1, t13 &+ odd0,
            t13 &- odd0, t12 &- odd1, t11 &- odd2, t10 &- odd3
        )
    }

    /// ``butterfly(_:_:_:_:_:_:_:_:)`` on eight columns (or rows) at once.
    @inline(__always)
    private static func butterfly(
        _ in0: SIMD8<Int32>,
        _ in1: SIMD8<Int32>,
        _ in2: SIMD8<Int32>,
        _ in3: SIMD8<Int32>,
        _ in4: SIMD8<Int32>,
        _ in5: SIMD8<Int32>,
        _ in6: SIMD8<Int32>,
        _ in7: SIMD8<Int32>
    ) -> (
        SIMD8<Int32>, SIMD8<Int32>, SIMD8<Int32>, SIMD8<Int32>, SIMD8<Int32>, SIMD8<Int32>, SIMD8<Int32>,
        SIMD8<Int32>
    ) {
        let z1 = (in2 &+ in6) &* Int32(c0541196100)
        let even2 = z1 &- in6 &* Int32(c1847759065)
        let even3 = z1 &+ in2 &* Int32(c0765366865)
        let even0 = (in0 &+ in4) &<< Int32(constBits)
        let even1 = (in0 &- in4) &<< Int32(constBits)
        let t10 = even0 &+ even3
        let t13 = even0 &- even3
        let t11 = even1 &+ even2
        let t12 = even1 &- even2

        let s1 = in7 &+ in1
        let s2 = in5 &+ in3
        let s3 = in7 &+ in3
        let s4 = in5 &+ in1
        let z5 = (s3 &+ s4) &* Int32(c1175875602)
        let m1 = s1 &* Int32(-c0899976223)
        let m2 = s2 &* Int32(-c2562915447)
        let m3 = s3 &* Int32(-c1961570560) &+ z5
        let m4 = s4 &* Int32(-c0390180644) &+ z5
        let odd0 = in7 &* Int32(c0298631336) &+ m1 &+ m3
        let odd1 = in5 &* Int32(c2053119869) &+ m2 &+ m4
        let odd2 = in3 &* Int32(c3072711026) &+ m2 &+ m3
        let odd3 = in1 &* Int32(c1501321110) &+ m1 &+ m4

        return (
            t10 &+ odd3, t11 &+ odd2, t12 &+ odd1, t13 &+ odd0,
            t13 &- odd0, t12 &- odd1, t11 &- odd2, t10 &- odd3
        )
    }

    /// Fills an 8×8 block with the value of a block whose only non-zero coefficient is the DC term.
    @inline(__always)
    static func transformDCOnly(_ dc: Int32, into output: UnsafeMutablePointer<UInt8>, stride: Int) {
        // Both passes' shortcuts combined: (dc << 2 + 16) >> 5, level-shifted.
        let value = clamp(((Int(dc) &<< pass1Bits &+ 16) >> 5) &+ 128)
        for row in 0..<8 {
            let q = unsafe output + row * stride
            for column in 0..<8 { unsafe q[column] = value }
        }
    }

    @inline(__always)
    private static func clamp(_ value: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: value < 0 ? 0 : (value > 255 ? 255 : value))
    }

    /// The 1-D transform of eight inputs, in fixed point scaled by 2^constBits (no rounding).
    @inline(__always)
    private static func butterfly(
        _ in0: Int,
        _ in1: Int,
        _ in2: Int,
        _ in3: Int,
        _ in4: Int,
        _ in5: Int,
        _ in6: Int,
        _ in7: Int
    ) -> (Int, Int, Int, Int, Int, Int, Int, Int) {
        // Even part: rotation of inputs 2 and 6, sum and difference of inputs 0 and 4.
        let z1 = (in2 &+ in6) &* c0541196100
        let even2 = z1 &- in6 &* c1847759065
        let even3 = z1 &+ in2 &* c0765366865
        let even0 = (in0 &+ in4) &<< constBits
        let even1 = (in0 &- in4) &<< constBits
        let t10 = even0 &+ even3
        let t13 = even0 &- even3
        let t11 = even1 &+ even2
        let t12 = even1 &- even2

        // Odd part: inputs 7, 5, 3, 1 through the shared rotation by 1.175875602.
        let s1 = in7 &+ in1
        let s2 = in5 &+ in3
        let s3 = in7 &+ in3
        let s4 = in5 &+ in1
        let z5 = (s3 &+ s4) &* c1175875602
        let m1 = s1 &* -c0899976223
        let m2 = s2 &* -c2562915447
        let m3 = s3 &* -c1961570560 &+ z5
        let m4 = s4 &* -c0390180644 &+ z5
        let odd0 = in7 &* c0298631336 &+ m1 &+ m3
        let odd1 = in5 &* c2053119869 &+ m2 &+ m4
        let odd2 = in3 &* c3072711026 &+ m2 &+ m3
        let odd3 = in1 &* c1501321110 &+ m1 &+ m4

        return (
            t10 &+ odd3, t11 &+ odd2, t12 &+ odd1, t13 &+ odd0,
            t13 &- odd0, t12 &- odd1, t11 &- odd2, t10 &- odd3
        )
    }
}
