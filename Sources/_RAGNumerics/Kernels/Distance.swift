// SPDX-License-Identifier: Apache-2.0

/// Float32 distance kernels shared by `VectorIndex` (scans, k-means) and `Embedding` (inference).
///
/// Every SIMD kernel has a scalar `_reference` twin in the same file: tests compare the two against a
/// Float64 computation, and the twin documents what the kernel computes. Results depend on summation order:
/// the SIMD kernels sum in 32 interleaved lanes, the references sequentially.
///
/// Performance note: accumulations are written `acc += a * b`, never `addingProduct`, which compiles to a
/// per-lane `fmaf` call at the x86-64 baseline target and runs about 20x slower.
package enum Kernels {}

// MARK: - Span entry points

extension Kernels {
    /// The inner product of two vectors of equal length.
    ///
    /// - Precondition: `a.count == b.count`.
    @inlinable
    package static func dot(_ a: Span<Float>, _ b: Span<Float>) -> Float {
        precondition(a.count == b.count, "dot: vectors have different lengths")
        return unsafe a.withUnsafeBufferPointer { pa in
            unsafe b.withUnsafeBufferPointer { pb in
                unsafe _dot(pa.baseAddress, pb.baseAddress, pa.count)
            }
        }
    }

    /// The squared Euclidean distance between two vectors of equal length.
    ///
    /// - Precondition: `a.count == b.count`.
    @inlinable
    package static func squaredL2(_ a: Span<Float>, _ b: Span<Float>) -> Float {
        precondition(a.count == b.count, "squaredL2: vectors have different lengths")
        return unsafe a.withUnsafeBufferPointer { pa in
            unsafe b.withUnsafeBufferPointer { pb in
                unsafe _squaredL2(pa.baseAddress, pb.baseAddress, pa.count)
            }
        }
    }

    /// The squared Euclidean norm of a vector.
    @inlinable
    package static func squaredNorm(_ a: Span<Float>) -> Float {
        unsafe a.withUnsafeBufferPointer { pa in unsafe _dot(pa.baseAddress, pa.baseAddress, pa.count) }
    }

    /// The Euclidean norm of a vector.
    @inlinable
    package static func norm(_ a: Span<Float>) -> Float {
        squaredNorm(a).squareRoot()
    }
}

// MARK: - Pointer kernels

extension Kernels {
    /// Inner product over `count` floats; either pointer may be nil when `count == 0`.
    ///
    /// Runs the AVX2 or AVX-512 kernel when ``InstructionLevel/current`` is one of them (from 8 floats on),
    /// otherwise ``_dotPortable(_:_:_:)``.
    @inlinable
    package static func _dot(_ a: UnsafePointer<Float>?, _ b: UnsafePointer<Float>?, _ count: Int) -> Float {
        #if arch(x86_64)
        if count >= 8, InstructionLevel._isWide, let a = unsafe a, let b = unsafe b {
            return unsafe _dotWide(a, b, count)
        }
        #endif
        return unsafe _dotPortable(a, b, count)
    }

    /// Squared Euclidean distance over `count` floats; either pointer may be nil when `count == 0`.
    ///
    /// Runs the AVX2 or AVX-512 kernel when ``InstructionLevel/current`` is one of them (from 8 floats on),
    /// otherwise ``_squaredL2Portable(_:_:_:)``.
    @inlinable
    package static func _squaredL2(_ a: UnsafePointer<Float>?, _ b: UnsafePointer<Float>?, _ count: Int) -> Float {
        #if arch(x86_64)
        if count >= 8, InstructionLevel._isWide, let a = unsafe a, let b = unsafe b {
            return unsafe _squaredL2Wide(a, b, count)
        }
        #endif
        return unsafe _squaredL2Portable(a, b, count)
    }

    /// The portable SIMD inner product (Swift; the test oracle of the dispatched kernels).
    @inlinable
    package static func _dotPortable(_ a: UnsafePointer<Float>?, _ b: UnsafePointer<Float>?, _ count: Int) -> Float {
        guard count > 0, let a = unsafe a, let b = unsafe b else { return 0 }
        let ra = unsafe UnsafeRawPointer(a)
        let rb = unsafe UnsafeRawPointer(b)
        var acc0 = SIMD16<Float>()
        var acc1 = SIMD16<Float>()
        var i = 0
        while i &+ 32 <= count {
            let o = i &* 4
            let x0 = unsafe ra.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
            let y0 = unsafe rb.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
            let x1 = unsafe ra.loadUnaligned(fromByteOffset: o &+ 64, as: SIMD16<Float>.self)
            let y1 = unsafe rb.loadUnaligned(fromByteOffset: o &+ 64, as: SIMD16<Float>.self)
            acc0 += x0 * y0
            acc1 += x1 * y1
            i &+= 32
        }
        if i &+ 16 <= count {
            let o = i &* 4
            acc0 +=
                unsafe ra.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
                * rb.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
            i &+= 16
        }
        var acc4 = SIMD4<Float>()
        while i &+ 4 <= count {
            let o = i &* 4
            acc4 +=
                unsafe ra.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self)
                * rb.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self)
            i &+= 4
        }
        var sum = _horizontalSum(acc0 + acc1) + _horizontalSum(acc4)
        while i < count {
            sum += unsafe a[i] * b[i]
            i &+= 1
        }
        return sum
    }

    /// The portable SIMD squared Euclidean distance (Swift; the test oracle of the dispatched kernels).
    @inlinable
    package static func _squaredL2Portable(
        _ a: UnsafePointer<Float>?,
        _ b: UnsafePointer<Float>?,
        _ count: Int
    ) -> Float {
        guard count > 0, let a = unsafe a, let b = unsafe b else { return 0 }
        let ra = unsafe UnsafeRawPointer(a)
        let rb = unsafe UnsafeRawPointer(b)
        var acc0 = SIMD16<Float>()
        var acc1 = SIMD16<Float>()
        var i = 0
        while i &+ 32 <= count {
            let o = i &* 4
            let d0 =
                unsafe ra.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
                - rb.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
            let d1 =
                unsafe ra.loadUnaligned(fromByteOffset: o &+ 64, as: SIMD16<Float>.self)
                - rb.loadUnaligned(fromByteOffset: o &+ 64, as: SIMD16<Float>.self)
            acc0 += d0 * d0
            acc1 += d1 * d1
            i &+= 32
        }
        if i &+ 16 <= count {
            let o = i &* 4
            let d =
                unsafe ra.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
                - rb.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
            acc0 += d * d
            i &+= 16
        }
        var acc4 = SIMD4<Float>()
        while i &+ 4 <= count {
            let o = i &* 4
            let d =
                unsafe ra.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self)
                - rb.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self)
            acc4 += d * d
            i &+= 4
        }
        var sum = _horizontalSum(acc0 + acc1) + _horizontalSum(acc4)
        while i < count {
            let d = unsafe a[i] - b[i]
            sum += d * d
            i &+= 1
        }
        return sum
    }

    /// Sums the lanes pairwise (the standard library's `sum()` is not guaranteed to vectorize).
    @inlinable
    package static func _horizontalSum(_ v: SIMD16<Float>) -> Float {
        let h8 = v.lowHalf + v.highHalf
        return _horizontalSum(h8.lowHalf + h8.highHalf)
    }

    /// Sums four lanes pairwise.
    @inlinable
    package static func _horizontalSum(_ v: SIMD4<Float>) -> Float {
        let h2 = v.lowHalf + v.highHalf
        return h2.x + h2.y
    }
}

// MARK: - Scalar reference twins

extension Kernels {
    /// Sequential scalar twin of ``dot(_:_:)``.
    package static func _dotReference(_ a: Span<Float>, _ b: Span<Float>) -> Float {
        precondition(a.count == b.count, "dot: vectors have different lengths")
        var sum: Float = 0
        for i in 0..<a.count { sum += a[i] * b[i] }
        return sum
    }

    /// Sequential scalar twin of ``squaredL2(_:_:)``.
    package static func _squaredL2Reference(_ a: Span<Float>, _ b: Span<Float>) -> Float {
        precondition(a.count == b.count, "squaredL2: vectors have different lengths")
        var sum: Float = 0
        for i in 0..<a.count {
            let d = a[i] - b[i]
            sum += d * d
        }
        return sum
    }

    /// Sequential scalar twin of ``squaredNorm(_:)``.
    package static func _squaredNormReference(_ a: Span<Float>) -> Float {
        _dotReference(a, a)
    }
}
