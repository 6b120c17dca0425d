// SPDX-License-Identifier: Apache-2.0

import _RAGNumerics

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Copies one tensor's elements out of a (memory-mapped) weight file straight into the array that keeps them.
///
/// Shared by ``SafetensorsFile`` and ``PyTorchCheckpointFile``: the caller has validated that every element the
/// layout addresses lies inside `data`, so the loops here read without further checks. F32 in the host's byte
/// order is copied with one `memcpy`; F16 and BF16 are widened exactly; a file written in
/// the other byte order is swapped element by element.
enum TensorElements {
    /// Where a tensor's elements lie, in elements from its first one: row-major when `strides` is `nil`.
    struct Layout: Sendable {
        /// The tensor's shape (empty for a scalar).
        var shape: [Int]
        /// Elements to step per index of each dimension, or `nil` for the row-major (contiguous) layout.
        var strides: [Int]?
        /// The number of elements, the product of ``shape``.
        var count: Int { shape.reduce(1, *) }
    }

    /// Whether this machine stores numbers little-endian.
    private static let hostIsLittleEndian = 1.littleEndian == 1

    /// The elements as `Float`.
    /// - Parameters:
    ///   - data: The file.
    ///   - byteOffset: Where the tensor's first element starts in `data`.
    ///   - dtype: F32, F16 or BF16.
    ///   - layout: The shape and strides.
    ///   - bigEndian: Whether the file stores numbers big-endian.
    /// - Returns: The elements in row-major order.
    /// - Precondition: every addressed element lies inside `data`; `dtype` is floating point.
    static func floats(
        _ data: Data,
        byteOffset: Int,
        dtype: SafetensorsDType,
        layout: Layout,
        bigEndian: Bool = false
    ) -> ContiguousArray<Float> {
        precondition(dtype.isFloatingPoint, "tensor elements: \(dtype) is not floating point")
        let count = layout.count
        guard count > 0 else { return [] }
        let size = dtype.size
        let swapped = bigEndian == hostIsLittleEndian
        return unsafe ContiguousArray(unsafeUninitializedCapacity: count) { out, initialized in
            unsafe data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                let src = unsafe raw.baseAddress! + byteOffset
                let dst = out.baseAddress!
                if layout.strides == nil {
                    if dtype == .f32, !swapped {
                        unsafe UnsafeMutableRawPointer(dst).copyMemory(from: src, byteCount: count &* 4)
                    } else {
                        for i in 0..<count { unsafe (dst + i).initialize(to: element(src, i, size, dtype, swapped)) }
                    }
                } else {
                    var i = 0
                    forEachIndex(layout) { index in
                        unsafe (dst + i).initialize(to: element(src, index, size, dtype, swapped))
                        i &+= 1
                    }
                }
            }
            initialized = count
        }
    }

    /// The elements as 64-bit integers.
    /// - Parameters:
    ///   - data: The file.
    ///   - byteOffset: Where the tensor's first element starts in `data`.
    ///   - layout: The shape and strides.
    ///   - bigEndian: Whether the file stores numbers big-endian.
    /// - Returns: The elements in row-major order.
    /// - Precondition: every addressed element lies inside `data`.
    static func int64s(_ data: Data, byteOffset: Int, layout: Layout, bigEndian: Bool = false) -> [Int64] {
        let count = layout.count
        guard count > 0 else { return [] }
        return unsafe [Int64](unsafeUninitializedCapacity: count) { out, initialized in
            unsafe data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                let src = unsafe raw.baseAddress! + byteOffset
                let dst = out.baseAddress!
                func load(_ index: Int) -> Int64 {
                    let bits = unsafe src.loadUnaligned(fromByteOffset: index &* 8, as: Int64.self)
                    return bigEndian ? Int64(bigEndian: bits) : Int64(littleEndian: bits)
                }
                if layout.strides == nil {
                    for i in 0..<count { unsafe (dst + i).initialize(to: load(i)) }
                } else {
                    var i = 0
                    forEachIndex(layout) { index in
                        unsafe (dst + i).initialize(to: load(index))
                        i &+= 1
                    }
                }
            }
            initialized = count
        }
    }

    /// Element `index` (counted in elements from `src`) widened to `Float`.
    @inline(__always)
    private static func element(
        _ src: UnsafeRawPointer,
        _ index: Int,
        _ size: Int,
        _ dtype: SafetensorsDType,
        _ swapped: Bool
    ) -> Float {
        if size == 4 {
            let bits = unsafe src.loadUnaligned(fromByteOffset: index &* 4, as: UInt32.self)
            return Float(bitPattern: swapped ? bits.byteSwapped : bits)
        }
        let raw = unsafe src.loadUnaligned(fromByteOffset: index &* 2, as: UInt16.self)
        let bits = swapped ? raw.byteSwapped : raw
        // BF16 is the high half of a binary32.
        return dtype == .f16 ? HalfBits.widen(bits) : Float(bitPattern: UInt32(bits) << 16)
    }

    /// Calls `body` with the element index (from the first element) of every element of a strided layout, in
    /// row-major order of the tensor's indices.
    private static func forEachIndex(_ layout: Layout, _ body: (Int) -> Void) {
        let shape = layout.shape
        let strides = layout.strides ?? []
        guard let last = shape.indices.last else {
            body(0)
            return
        }
        let inner = shape[last]
        let innerStride = strides[last]
        var counter = [Int](repeating: 0, count: shape.count)
        var base = 0
        while true {
            var index = base
            for _ in 0..<inner {
                body(index)
                index &+= innerStride
            }
            // Advance the outer dimensions like an odometer.
            var d = last - 1
            while d >= 0 {
                counter[d] += 1
                base &+= strides[d]
                if counter[d] < shape[d] { break }
                base &-= strides[d] &* shape[d]
                counter[d] = 0
                d -= 1
            }
            if d < 0 { return }
        }
    }
}
