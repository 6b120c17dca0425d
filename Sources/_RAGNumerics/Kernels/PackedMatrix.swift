// SPDX-License-Identifier: Apache-2.0

/// The right operand of many matrix products (a layer's weight), rearranged once for the micro-kernel.
///
/// `MatrixProduct.multiply` normally packs `B` into tile-wide slivers on every call. For a weight that is
/// multiplied thousands of times that copy is pure overhead: at a batch of one image (50 rows of `A`) it reads
/// and writes every weight once per call for only 50 multiply-adds per weight. A `PackedMatrix` does the copy
/// at load time, in exactly the order the blocked driver reads it, and replaces the original (no extra memory).
///
/// Layout (our kernels): for each depth panel `pc` of `MatrixProduct.kc`, for each sliver `s` of `nr` columns,
/// the `kcur × nr` values `op(B)[pc + p, s·nr + j]`, zero-padded past the last column. The panel starting at
/// depth `pc` therefore begins at `pc × paddedColumns`, and sliver `s` at `s × nr × kcur` inside it.
///
/// With Accelerate (Apple platforms) the values are instead kept as a plain row-major `k × n` matrix, the
/// layout `vDSP_mmul` takes.
///
/// With ``Precision/float16`` the same layout holds IEEE half-precision bit patterns (half the memory); the
/// product widens each panel exactly as it reaches it, so the result is bit-for-bit the Float32 product with
/// the weights rounded to half precision.
package struct PackedMatrix: Sendable {
    /// How the values are stored.
    package enum Precision: Sendable, Hashable {
        /// Four bytes a value.
        case float32
        /// Two bytes a value: each rounded to the nearest half-precision value (ties to even).
        case float16
    }

    /// How the values are stored.
    package let precision: Precision
    /// Columns of the product (`n`): rows of a PyTorch weight.
    package let columns: Int
    /// The shared dimension (`k`): columns of a PyTorch weight.
    package let depth: Int
    /// The micro-kernel tile the values are arranged for.
    let tile: MatrixProduct.Tile
    /// `columns` rounded up to a whole number of tile slivers.
    let paddedColumns: Int
    /// The rearranged values (empty with ``Precision/float16``).
    let storage: ContiguousArray<Float>
    /// The rearranged values as half-precision bit patterns (empty with ``Precision/float32``).
    let halves: ContiguousArray<UInt16>

    /// Packs `op(B)` for products `A · op(B)`: `b` holds `columns` rows of `depth` floats when `layout` is
    /// `.transposed` (a PyTorch `Linear.weight`), or `depth` rows of `columns` floats when `.normal`.
    ///
    /// - Precondition: `b.count == columns × depth`, both non-negative.
    package init(
        _ b: some Collection<Float>,
        columns: Int,
        depth: Int,
        layout: RightOperandLayout,
        tile: MatrixProduct.Tile = MatrixProduct.preferredTile,
        precision: Precision = .float32
    ) {
        precondition(columns >= 0 && depth >= 0 && b.count == columns * depth, "packed matrix: size")
        let source = ContiguousArray(b)
        self.columns = columns
        self.depth = depth
        self.tile = tile
        self.precision = precision
        let values: ContiguousArray<Float>
        #if canImport(Accelerate)
        paddedColumns = columns
        if layout == .normal {
            values = source
        } else {
            var normal = ContiguousArray<Float>(repeating: 0, count: columns * depth)
            for j in 0..<columns {
                for p in 0..<depth { normal[p * columns + j] = source[j * depth + p] }
            }
            values = normal
        }
        #else
        let nr = tile.columns
        let padded = (columns + nr - 1) / nr * nr
        paddedColumns = padded
        var packed = ContiguousArray<Float>(repeating: 0, count: padded * depth)
        unsafe source.withUnsafeBufferPointer { src in
            unsafe packed.withUnsafeMutableBufferPointer { dst in
                var pc = 0
                while pc < depth {
                    let kcur = min(MatrixProduct.kc, depth - pc)
                    unsafe MatrixProduct._Problem.packB(
                        src.baseAddress!,
                        ldb: layout == .transposed ? depth : columns,
                        layout: layout,
                        nr: nr,
                        into: dst.baseAddress! + pc * padded,
                        columns: 0,
                        count: columns,
                        depth: pc,
                        kcur: kcur
                    )
                    pc += kcur
                }
            }
        }
        values = packed
        #endif
        switch precision {
        case .float32:
            storage = values
            halves = []
        case .float16:
            storage = []
            halves = ContiguousArray(values.lazy.map(HalfBits.narrow))
        }
    }

    /// The bytes the values take.
    package var byteCount: Int { storage.count * 4 + halves.count * 2 }

    /// The stored values as floats, in storage order (the storage itself for ``Precision/float32``).
    func widenedStorage() -> ContiguousArray<Float> {
        guard precision == .float16 else { return storage }
        var out = ContiguousArray<Float>(repeating: 0, count: halves.count)
        unsafe halves.withUnsafeBufferPointer { src in
            unsafe out.withUnsafeMutableBufferPointer { dst in
                if let from = src.baseAddress, let to = dst.baseAddress {
                    unsafe HalfBits.widen(from, count: src.count, into: to)
                }
            }
        }
        return out
    }

    /// The values back in PyTorch weight layout: `columns` rows of `depth` floats.
    package func unpacked() -> ContiguousArray<Float> {
        let storage = widenedStorage()
        var out = ContiguousArray<Float>(repeating: 0, count: columns * depth)
        #if canImport(Accelerate)
        for p in 0..<depth {
            for j in 0..<columns { out[j * depth + p] = storage[p * columns + j] }
        }
        #else
        let nr = tile.columns
        var pc = 0
        while pc < depth {
            let kcur = min(MatrixProduct.kc, depth - pc)
            for j in 0..<columns {
                let sliver = pc * paddedColumns + (j / nr) * nr * kcur
                for p in 0..<kcur { out[j * depth + pc + p] = storage[sliver + p * nr + j % nr] }
            }
            pc += kcur
        }
        #endif
        return out
    }
}
