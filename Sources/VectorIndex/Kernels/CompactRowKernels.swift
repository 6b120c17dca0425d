// SPDX-License-Identifier: Apache-2.0

import _RAGNumerics

/// Scans of compactly stored rows (Float16 bit patterns, 8-bit codes) against a Float32 query.
///
/// The span entry points check every length, then run the AVX2 or AVX-512 kernels of `_RAGKernelsC` when
/// ``InstructionLevel/current`` (or the `level` a test passes) is wider than the baseline, and otherwise the
/// portable Swift loops below, which are also the tests' oracle. The dispatched kernels fuse multiply-adds and
/// sum in a different order, so the two agree to within the rounding of a reordered sum.
enum CompactRowKernels {
    /// `scores[r] = Σ_j query[j] · half(rows[r·d + j])`.
    ///
    /// - Precondition: `query.count == dimension` and `rows.count == scores.count × dimension`.
    static func halfDots(
        query: Span<Float>,
        rows: Span<UInt16>,
        dimension: Int,
        into scores: inout MutableSpan<Float>,
        level: InstructionLevel = .current
    ) {
        checkShapes(query.count, rows.count, dimension, scores.count)
        unsafe query.withUnsafeBufferPointer { q in
            unsafe rows.withUnsafeBufferPointer { r in
                unsafe scores.withUnsafeMutableBufferPointer { out in
                    guard let q = q.baseAddress, let r = r.baseAddress else { return }
                    #if arch(x86_64)
                    if unsafe Kernels._halfDotsWide(q, r, dimension, out, level: level) { return }
                    #endif
                    for i in 0..<out.count { unsafe out[i] = _halfDotPortable(q, r + i &* dimension, dimension) }
                }
            }
        }
    }

    /// `scores[r] = Σ_j (query[j] − half(rows[r·d + j]))²`.
    ///
    /// - Precondition: `query.count == dimension` and `rows.count == scores.count × dimension`.
    static func halfSquaredL2s(
        query: Span<Float>,
        rows: Span<UInt16>,
        dimension: Int,
        into scores: inout MutableSpan<Float>,
        level: InstructionLevel = .current
    ) {
        checkShapes(query.count, rows.count, dimension, scores.count)
        unsafe query.withUnsafeBufferPointer { q in
            unsafe rows.withUnsafeBufferPointer { r in
                unsafe scores.withUnsafeMutableBufferPointer { out in
                    guard let q = q.baseAddress, let r = r.baseAddress else { return }
                    #if arch(x86_64)
                    if unsafe Kernels._halfSquaredL2sWide(q, r, dimension, out, level: level) { return }
                    #endif
                    for i in 0..<out.count {
                        unsafe out[i] = _halfSquaredL2Portable(q, r + i &* dimension, dimension)
                    }
                }
            }
        }
    }

    /// `scores[r] = bias + Σ_j weights[j] · codes[r·d + j]`.
    ///
    /// - Precondition: `weights.count == dimension` and `codes.count == scores.count × dimension`.
    static func byteAffineDots(
        weights: Span<Float>,
        bias: Float,
        codes: Span<UInt8>,
        dimension: Int,
        into scores: inout MutableSpan<Float>,
        level: InstructionLevel = .current
    ) {
        checkShapes(weights.count, codes.count, dimension, scores.count)
        unsafe weights.withUnsafeBufferPointer { w in
            unsafe codes.withUnsafeBufferPointer { c in
                unsafe scores.withUnsafeMutableBufferPointer { out in
                    guard let w = w.baseAddress, let c = c.baseAddress else { return }
                    #if arch(x86_64)
                    if unsafe Kernels._byteAffineDotsWide(weights: w, bias: bias, c, dimension, out, level: level) {
                        return
                    }
                    #endif
                    for i in 0..<out.count {
                        unsafe out[i] = bias + _byteDotPortable(w, c + i &* dimension, dimension)
                    }
                }
            }
        }
    }

    /// `scores[r] = Σ_j (offsets[j] − scales[j] · codes[r·d + j])²`.
    ///
    /// - Precondition: `offsets.count == scales.count == dimension` and `codes.count == scores.count × dimension`.
    static func byteAffineSquaredL2s(
        offsets: Span<Float>,
        scales: Span<Float>,
        codes: Span<UInt8>,
        dimension: Int,
        into scores: inout MutableSpan<Float>,
        level: InstructionLevel = .current
    ) {
        checkShapes(offsets.count, codes.count, dimension, scores.count)
        precondition(scales.count == dimension, "scales hold \(scales.count) floats, expected \(dimension)")
        unsafe offsets.withUnsafeBufferPointer { o in
            unsafe scales.withUnsafeBufferPointer { s in
                unsafe codes.withUnsafeBufferPointer { c in
                    unsafe scores.withUnsafeMutableBufferPointer { out in
                        guard let o = o.baseAddress, let s = s.baseAddress, let c = c.baseAddress else { return }
                        #if arch(x86_64)
                        if unsafe Kernels._byteAffineSquaredL2sWide(
                            offsets: o,
                            scales: s,
                            c,
                            dimension,
                            out,
                            level: level
                        ) {
                            return
                        }
                        #endif
                        for i in 0..<out.count {
                            unsafe out[i] = _byteSquaredL2Portable(o, s, c + i &* dimension, dimension)
                        }
                    }
                }
            }
        }
    }

    private static func checkShapes(_ queryCount: Int, _ rowsCount: Int, _ dimension: Int, _ scoreCount: Int) {
        precondition(dimension >= 1, "dimension must be at least 1")
        precondition(queryCount == dimension, "query length \(queryCount) != dimension \(dimension)")
        precondition(
            rowsCount == scoreCount * dimension,
            "rows hold \(rowsCount) elements, expected \(scoreCount) x \(dimension)"
        )
    }
}

// MARK: - Portable Swift twins (the oracle)

extension CompactRowKernels {
    /// Eight binary16 bit patterns widened to Float32 (exact, subnormals, infinities and NaNs included).
    @inline(__always)
    static func _widen(_ halves: SIMD8<UInt16>) -> SIMD8<Float> {
        let bits = SIMD8<UInt32>(truncatingIfNeeded: halves)
        let sign = (bits & 0x8000) &<< 16
        let magnitude = bits & 0x7FFF
        // Placing exponent and mantissa 13 bits up and scaling by 2¹¹² rebiases normals and subnormals alike.
        let scaled = unsafe unsafeBitCast(magnitude &<< 13, to: SIMD8<Float>.self) * 0x1p112
        // Infinities and NaNs (magnitude 0x7C00 and up, where adding 0x400 carries into bit 15) scale to 2¹⁶ with
        // the mantissa kept; setting every exponent bit makes them infinity or the same NaN. Arithmetic, not
        // `replace(with:where:)`, which compiles to a per-lane loop here and made the scan 18 times slower.
        let special = ((magnitude &+ 0x400) & 0x8000) &* 0xFF00
        return unsafe unsafeBitCast(
            sign | special | unsafeBitCast(scaled, to: SIMD8<UInt32>.self),
            to: SIMD8<Float>.self
        )
    }

    /// `Σ query[j] · half(row[j])` in eight lanes.
    static func _halfDotPortable(_ query: UnsafePointer<Float>, _ row: UnsafePointer<UInt16>, _ count: Int) -> Float {
        let q = unsafe UnsafeRawPointer(query)
        let r = unsafe UnsafeRawPointer(row)
        var acc = SIMD8<Float>()
        var i = 0
        while i &+ 8 <= count {
            let x = unsafe _widen(r.loadUnaligned(fromByteOffset: i &* 2, as: SIMD8<UInt16>.self))
            acc += unsafe q.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Float>.self) * x
            i &+= 8
        }
        var sum = acc.sum()
        while i < count {
            sum += unsafe query[i] * HalfBits.widen(row[i])
            i &+= 1
        }
        return sum
    }

    /// `Σ (query[j] − half(row[j]))²` in eight lanes.
    static func _halfSquaredL2Portable(
        _ query: UnsafePointer<Float>,
        _ row: UnsafePointer<UInt16>,
        _ count: Int
    ) -> Float {
        let q = unsafe UnsafeRawPointer(query)
        let r = unsafe UnsafeRawPointer(row)
        var acc = SIMD8<Float>()
        var i = 0
        while i &+ 8 <= count {
            let x = unsafe _widen(r.loadUnaligned(fromByteOffset: i &* 2, as: SIMD8<UInt16>.self))
            let d = unsafe q.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Float>.self) - x
            acc += d * d
            i &+= 8
        }
        var sum = acc.sum()
        while i < count {
            let d = unsafe query[i] - HalfBits.widen(row[i])
            sum += d * d
            i &+= 1
        }
        return sum
    }

    /// `Σ weights[j] · code[j]` in eight lanes.
    static func _byteDotPortable(_ weights: UnsafePointer<Float>, _ row: UnsafePointer<UInt8>, _ count: Int) -> Float {
        let w = unsafe UnsafeRawPointer(weights)
        let r = unsafe UnsafeRawPointer(row)
        var acc = SIMD8<Float>()
        var i = 0
        while i &+ 8 <= count {
            let codes = unsafe r.loadUnaligned(fromByteOffset: i, as: SIMD8<UInt8>.self)
            let x = SIMD8<Float>(SIMD8<Int32>(truncatingIfNeeded: codes))
            acc += unsafe w.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Float>.self) * x
            i &+= 8
        }
        var sum = acc.sum()
        while i < count {
            sum += unsafe weights[i] * Float(row[i])
            i &+= 1
        }
        return sum
    }

    /// `Σ (offsets[j] − scales[j] · code[j])²` in eight lanes.
    static func _byteSquaredL2Portable(
        _ offsets: UnsafePointer<Float>,
        _ scales: UnsafePointer<Float>,
        _ row: UnsafePointer<UInt8>,
        _ count: Int
    ) -> Float {
        let o = unsafe UnsafeRawPointer(offsets)
        let s = unsafe UnsafeRawPointer(scales)
        let r = unsafe UnsafeRawPointer(row)
        var acc = SIMD8<Float>()
        var i = 0
        while i &+ 8 <= count {
            let codes = unsafe r.loadUnaligned(fromByteOffset: i, as: SIMD8<UInt8>.self)
            let x = SIMD8<Float>(SIMD8<Int32>(truncatingIfNeeded: codes))
            let d =
                unsafe o.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Float>.self)
                - s.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Float>.self) * x
            acc += d * d
            i &+= 8
        }
        var sum = acc.sum()
        while i < count {
            let d = unsafe offsets[i] - scales[i] * Float(row[i])
            sum += d * d
            i &+= 1
        }
        return sum
    }
}
