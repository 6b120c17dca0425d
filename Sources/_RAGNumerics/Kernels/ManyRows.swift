// SPDX-License-Identifier: Apache-2.0

// MARK: - One query against many rows

extension Kernels {
    /// Writes the inner product of `query` with each row of a contiguous row-major matrix.
    ///
    /// - Parameters:
    ///   - query: A vector of `dimension` floats.
    ///   - rows: `scores.count` rows of `dimension` floats each, back to back.
    ///   - dimension: The length of `query` and of every row.
    ///   - scores: Receives one score per row.
    /// - Precondition: `query.count == dimension` and `rows.count == scores.count * dimension`.
    @inlinable
    package static func dots(
        query: Span<Float>,
        rows: Span<Float>,
        dimension: Int,
        into scores: inout MutableSpan<Float>
    ) {
        unsafe _withRows(query: query, rows: rows, dimension: dimension, scores: &scores) { q, r, out in
            unsafe _dots(q, r, dimension, out)
        }
    }

    /// Writes the squared Euclidean distance between `query` and each row of a contiguous row-major matrix.
    ///
    /// - Precondition: `query.count == dimension` and `rows.count == scores.count * dimension`.
    @inlinable
    package static func squaredL2s(
        query: Span<Float>,
        rows: Span<Float>,
        dimension: Int,
        into scores: inout MutableSpan<Float>
    ) {
        unsafe _withRows(query: query, rows: rows, dimension: dimension, scores: &scores) { q, r, out in
            unsafe _squaredL2s(q, r, dimension, out)
        }
    }

    /// Checks the shapes once, then hands `body` the raw query, rows and output.
    @inlinable
    package static func _withRows(
        query: Span<Float>,
        rows: Span<Float>,
        dimension: Int,
        scores: inout MutableSpan<Float>,
        _ body: (UnsafePointer<Float>, UnsafePointer<Float>?, UnsafeMutableBufferPointer<Float>) -> Void
    ) {
        precondition(dimension >= 1, "dimension must be at least 1")
        precondition(query.count == dimension, "query length \(query.count) != dimension \(dimension)")
        precondition(
            rows.count == scores.count * dimension,
            "rows hold \(rows.count) floats, expected \(scores.count) x \(dimension)"
        )
        unsafe query.withUnsafeBufferPointer { q in
            unsafe rows.withUnsafeBufferPointer { r in
                unsafe scores.withUnsafeMutableBufferPointer { out in
                    unsafe body(q.baseAddress!, r.baseAddress, out)
                }
            }
        }
    }

    /// Pointer form of ``dots(query:rows:dimension:into:)``.
    @inlinable
    package static func _dots(
        _ query: UnsafePointer<Float>,
        _ rows: UnsafePointer<Float>?,
        _ dimension: Int,
        _ out: UnsafeMutableBufferPointer<Float>
    ) {
        guard let rows = unsafe rows else { return }
        #if arch(x86_64)
        if InstructionLevel._isWide {
            unsafe _dotsWide(query, rows, dimension, out)
            return
        }
        #endif
        var row = unsafe rows
        for i in 0..<out.count {
            unsafe out[i] = _dotPortable(query, row, dimension)
            unsafe row += dimension
        }
    }

    /// Pointer form of ``squaredL2s(query:rows:dimension:into:)``.
    @inlinable
    package static func _squaredL2s(
        _ query: UnsafePointer<Float>,
        _ rows: UnsafePointer<Float>?,
        _ dimension: Int,
        _ out: UnsafeMutableBufferPointer<Float>
    ) {
        guard let rows = unsafe rows else { return }
        #if arch(x86_64)
        if InstructionLevel._isWide {
            unsafe _squaredL2sWide(query, rows, dimension, out)
            return
        }
        #endif
        var row = unsafe rows
        for i in 0..<out.count {
            unsafe out[i] = _squaredL2Portable(query, row, dimension)
            unsafe row += dimension
        }
    }
}

// MARK: - Cosine

extension Kernels {
    /// Writes the cosine similarity of `query` with each row, computing each row's norm in the same pass.
    ///
    /// A zero row or a zero query has similarity 0.
    ///
    /// - Precondition: `query.count == dimension` and `rows.count == scores.count * dimension`.
    @inlinable
    package static func cosines(
        query: Span<Float>,
        rows: Span<Float>,
        dimension: Int,
        into scores: inout MutableSpan<Float>
    ) {
        let queryNorm = norm(query)
        unsafe _withRows(query: query, rows: rows, dimension: dimension, scores: &scores) { q, r, out in
            guard var row = unsafe r else { return }
            #if arch(x86_64)
            if InstructionLevel._isWide {
                unsafe _cosinesWide(q, queryNorm: queryNorm, row, dimension, out)
                return
            }
            #endif
            for i in 0..<out.count {
                let (dot, rowSquaredNorm) = unsafe _dotAndSquaredNorm(q, row, dimension)
                let denominator = queryNorm * rowSquaredNorm.squareRoot()
                unsafe out[i] = denominator > 0 ? dot / denominator : 0
                unsafe row += dimension
            }
        }
    }

    /// `(a·b, b·b)` in one pass over both vectors.
    @inlinable
    package static func _dotAndSquaredNorm(
        _ a: UnsafePointer<Float>,
        _ b: UnsafePointer<Float>,
        _ count: Int
    ) -> (Float, Float) {
        let ra = unsafe UnsafeRawPointer(a)
        let rb = unsafe UnsafeRawPointer(b)
        var dot = SIMD16<Float>()
        var squares = SIMD16<Float>()
        var i = 0
        while i &+ 16 <= count {
            let o = i &* 4
            let x = unsafe ra.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
            let y = unsafe rb.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
            dot += x * y
            squares += y * y
            i &+= 16
        }
        var dot4 = SIMD4<Float>()
        var squares4 = SIMD4<Float>()
        while i &+ 4 <= count {
            let o = i &* 4
            let x = unsafe ra.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self)
            let y = unsafe rb.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self)
            dot4 += x * y
            squares4 += y * y
            i &+= 4
        }
        var d = _horizontalSum(dot) + _horizontalSum(dot4)
        var s = _horizontalSum(squares) + _horizontalSum(squares4)
        while i < count {
            let x = unsafe a[i]
            let y = unsafe b[i]
            d += x * y
            s += y * y
            i &+= 1
        }
        return (d, s)
    }
}

// MARK: - Scalar reference twins

extension Kernels {
    /// Sequential scalar twin of ``dots(query:rows:dimension:into:)``.
    package static func _dotsReference(query: Span<Float>, rows: Span<Float>, dimension: Int) -> [Float] {
        let count = rows.count / dimension
        return (0..<count).map { i in
            _dotReference(query, rows.extracting(i * dimension..<(i + 1) * dimension))
        }
    }

    /// Sequential scalar twin of ``cosines(query:rows:dimension:into:)``.
    package static func _cosinesReference(query: Span<Float>, rows: Span<Float>, dimension: Int) -> [Float] {
        let count = rows.count / dimension
        let queryNorm = _squaredNormReference(query).squareRoot()
        return (0..<count).map { i in
            let row = rows.extracting(i * dimension..<(i + 1) * dimension)
            let denominator = queryNorm * _squaredNormReference(row).squareRoot()
            return denominator > 0 ? _dotReference(query, row) / denominator : 0
        }
    }

    /// Sequential scalar twin of ``squaredL2s(query:rows:dimension:into:)``.
    package static func _squaredL2sReference(query: Span<Float>, rows: Span<Float>, dimension: Int) -> [Float] {
        let count = rows.count / dimension
        return (0..<count).map { i in
            _squaredL2Reference(query, rows.extracting(i * dimension..<(i + 1) * dimension))
        }
    }
}

// MARK: - Squared distances from inner products

extension Kernels {
    /// Turns a block of inner products into squared Euclidean distances in place:
    /// `d[i][j] = max(0, ‖q_i‖² + ‖x_j‖² − 2 q_i·x_j)`.
    ///
    /// This is how batched searches get distances from a matrix product. The clamp at 0 absorbs rounding,
    /// which can make the distance of (nearly) equal vectors slightly negative; results can differ from a
    /// direct ``squaredL2(_:_:)`` by rounding.
    ///
    /// - Parameters:
    ///   - products: `querySquaredNorms.count × rowSquaredNorms.count` inner products, row-major (one row per
    ///     query).
    ///   - querySquaredNorms: ‖q_i‖² for every query.
    ///   - rowSquaredNorms: ‖x_j‖² for every row.
    /// - Precondition: `products.count == querySquaredNorms.count * rowSquaredNorms.count`.
    package static func squaredL2sFromProducts(
        _ products: inout MutableSpan<Float>,
        querySquaredNorms: Span<Float>,
        rowSquaredNorms: Span<Float>
    ) {
        let n = rowSquaredNorms.count
        precondition(products.count == querySquaredNorms.count * n, "products must be queries × rows")
        for i in 0..<querySquaredNorms.count {
            let queryNorm = querySquaredNorms[i]
            let base = i &* n
            for j in 0..<n {
                products[base &+ j] = max(0, queryNorm + rowSquaredNorms[j] - 2 * products[base &+ j])
            }
        }
    }
}
