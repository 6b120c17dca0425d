// SPDX-License-Identifier: Apache-2.0

import _RAGNumerics

extension Linear {
    /// Applies the layer to `rows` row vectors stored back to back in `x`.
    ///
    /// The array form: it lends the arrays' storage to the pointer form of the matrix product here, so the
    /// layer's own file holds no pointer (`[Float].span` needs macOS 26 / iOS 26, above the package's minimum).
    package func callAsFunction(_ x: [Float], rows: Int, threads: Int) -> [Float] {
        precondition(x.count == rows * inFeatures, "linear: input size")
        var y: [Float]
        if let bias {
            y = [Float]()
            y.reserveCapacity(rows * outFeatures)
            for _ in 0..<rows { y.append(contentsOf: bias) }
        } else {
            y = [Float](repeating: 0, count: rows * outFeatures)
        }
        guard rows > 0 else { return y }
        unsafe x.withUnsafeBufferPointer { a in
            unsafe y.withUnsafeMutableBufferPointer { c in
                unsafe MatrixProduct.multiply(
                    m: rows,
                    a: a.baseAddress!,
                    lda: inFeatures,
                    b: packedWeight,
                    c: c.baseAddress!,
                    ldc: outFeatures,
                    accumulate: bias != nil,
                    threads: threads
                )
            }
        }
        return y
    }

    /// Applies the layer to `rows` row vectors of `x` (rows `lda` floats apart), writing them to `y` (rows `ldc`
    /// floats apart): the bias is written first and the product added to it, as the array form does, so each row
    /// gets the same bits whichever rows are computed with it.
    /// - Precondition: `rows >= 0`, `lda >= inFeatures`, `ldc >= outFeatures`.
    func apply(
        rows: Int,
        _ x: UnsafePointer<Float>,
        lda: Int,
        into y: UnsafeMutablePointer<Float>,
        ldc: Int,
        threads: Int = 1
    ) {
        precondition(rows >= 0 && lda >= inFeatures && ldc >= outFeatures, "linear: row layout")
        guard rows > 0 else { return }
        if let bias {
            unsafe bias.withUnsafeBufferPointer { b in
                for r in 0..<rows { unsafe (y + r &* ldc).update(from: b.baseAddress!, count: outFeatures) }
            }
        }
        unsafe MatrixProduct.multiply(
            m: rows,
            a: x,
            lda: lda,
            b: packedWeight,
            c: y,
            ldc: ldc,
            accumulate: bias != nil,
            threads: threads
        )
    }
}
