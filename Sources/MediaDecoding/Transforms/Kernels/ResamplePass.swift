// SPDX-License-Identifier: Apache-2.0

import _RAGNumerics

/// One separable pass of the fixed-point resampler: integer weights from ``ResampleCoefficients``,
/// rounding bias 2^21, arithmetic shift by 22, clamp to the sample range.
///
/// `Accumulator` is `Int32` for 8-bit samples (Pillow's `int`, so sums wrap exactly as Pillow's do) and
/// `Int64` for 16-bit samples.
enum ResamplePass<Sample: FixedWidthInteger & UnsignedInteger, Accumulator: FixedWidthInteger & SignedInteger> {
    @inline(__always)
    static func clamp(_ sum: Accumulator) -> Sample {
        let shifted = sum >> ResampleCoefficients.precisionBits
        if shifted <= 0 { return 0 }
        if shifted >= Accumulator(Sample.max) { return Sample.max }
        return Sample(truncatingIfNeeded: shifted)
    }

    static var bias: Accumulator { Accumulator(1) << (ResampleCoefficients.precisionBits - 1) }

    /// Resamples rows `rows` (all by default) from `width` to `table.first.count` columns, on the dispatched
    /// kernel when `level` has one for these samples (the same bytes) and in Swift otherwise.
    static func horizontal(
        _ input: [Sample],
        width: Int,
        height: Int,
        channels: Int,
        table: ResampleCoefficients,
        rows: Range<Int>? = nil,
        level: InstructionLevel = .current
    ) -> [Sample] {
        let outWidth = table.first.count
        precondition(input.count == width * height * channels)
        let rows = rows ?? 0..<height
        if ResampleKernels.handles(Sample.self, Accumulator.self, level: level) {
            // SAFETY: `handles` has just checked that `Sample` is `UInt8`; arrays of one type are bit-cast to themselves.
            let bytes = unsafe unsafeBitCast(input, to: [UInt8].self)
            let out = ResampleKernels.horizontal(
                bytes,
                width: width,
                height: height,
                channels: channels,
                table: table,
                rows: rows
            )
            return unsafe unsafeBitCast(out, to: [Sample].self)
        }
        precondition(rows.lowerBound >= 0 && rows.upperBound <= height, "row range outside the image")
        var output = [Sample](repeating: 0, count: outWidth * rows.count * channels)
        let stride = table.stride
        unsafe input.withUnsafeBufferPointer { source in
            unsafe output.withUnsafeMutableBufferPointer { destination in
                unsafe table.weights.withUnsafeBufferPointer { weights in
                    for y in rows {
                        let rowIn = y &* width &* channels
                        var out = (y &- rows.lowerBound) &* outWidth &* channels
                        for x in 0..<outWidth {
                            let first = rowIn &+ table.first[x] &* channels
                            let n = table.count[x]
                            let w = x &* stride
                            switch channels {
                            case 3:
                                var a0 = bias
                                var a1 = bias
                                var a2 = bias
                                var p = first
                                for k in 0..<n {
                                    let weight = Accumulator(truncatingIfNeeded: unsafe weights[w &+ k])
                                    a0 &+= Accumulator(truncatingIfNeeded: unsafe source[p]) &* weight
                                    a1 &+= Accumulator(truncatingIfNeeded: unsafe source[p &+ 1]) &* weight
                                    a2 &+= Accumulator(truncatingIfNeeded: unsafe source[p &+ 2]) &* weight
                                    p &+= 3
                                }
                                unsafe destination[out] = clamp(a0)
                                unsafe destination[out &+ 1] = clamp(a1)
                                unsafe destination[out &+ 2] = clamp(a2)
                            case 4:
                                var a0 = bias
                                var a1 = bias
                                var a2 = bias
                                var a3 = bias
                                var p = first
                                for k in 0..<n {
                                    let weight = Accumulator(truncatingIfNeeded: unsafe weights[w &+ k])
                                    a0 &+= Accumulator(truncatingIfNeeded: unsafe source[p]) &* weight
                                    a1 &+= Accumulator(truncatingIfNeeded: unsafe source[p &+ 1]) &* weight
                                    a2 &+= Accumulator(truncatingIfNeeded: unsafe source[p &+ 2]) &* weight
                                    a3 &+= Accumulator(truncatingIfNeeded: unsafe source[p &+ 3]) &* weight
                                    p &+= 4
                                }
                                unsafe destination[out] = clamp(a0)
                                unsafe destination[out &+ 1] = clamp(a1)
                                unsafe destination[out &+ 2] = clamp(a2)
                                unsafe destination[out &+ 3] = clamp(a3)
                            default:
                                for c in 0..<channels {
                                    var a = bias
                                    var p = first &+ c
                                    for k in 0..<n {
                                        let weight = Accumulator(truncatingIfNeeded: unsafe weights[w &+ k])
                                        a &+= Accumulator(truncatingIfNeeded: unsafe source[p]) &* weight
                                        p &+= channels
                                    }
                                    unsafe destination[out &+ c] = clamp(a)
                                }
                            }
                            out &+= channels
                        }
                    }
                }
            }
        }
        return output
    }

    /// Resamples every column from the input's height to `table.count.count` rows, on the dispatched kernel when
    /// `level` has one for these samples (the same bytes) and in Swift otherwise.
    static func vertical(
        _ input: [Sample],
        width: Int,
        channels: Int,
        table: ResampleCoefficients,
        level: InstructionLevel = .current
    ) -> [Sample] {
        if ResampleKernels.handles(Sample.self, Accumulator.self, level: level) {
            // SAFETY: `handles` has just checked that `Sample` is `UInt8`; arrays of one type are bit-cast to themselves.
            let bytes = unsafe unsafeBitCast(input, to: [UInt8].self)
            let out = ResampleKernels.vertical(bytes, width: width, channels: channels, table: table)
            return unsafe unsafeBitCast(out, to: [Sample].self)
        }
        let outHeight = table.first.count
        let rowLength = width * channels
        precondition(rowLength > 0 && input.count % rowLength == 0)
        var output = [Sample](repeating: 0, count: outHeight * rowLength)
        var row = [Accumulator](repeating: 0, count: rowLength)
        let stride = table.stride
        unsafe input.withUnsafeBufferPointer { source in
            unsafe output.withUnsafeMutableBufferPointer { destination in
                unsafe row.withUnsafeMutableBufferPointer { acc in
                    unsafe table.weights.withUnsafeBufferPointer { weights in
                        for y in 0..<outHeight {
                            for j in 0..<rowLength { unsafe acc[j] = bias }
                            let first = table.first[y]
                            for k in 0..<table.count[y] {
                                let weight = Accumulator(truncatingIfNeeded: unsafe weights[y &* stride &+ k])
                                let base = (first &+ k) &* rowLength
                                for j in 0..<rowLength {
                                    unsafe acc[j] &+=
                                        Accumulator(truncatingIfNeeded: unsafe source[base &+ j]) &* weight
                                }
                            }
                            let out = y &* rowLength
                            for j in 0..<rowLength { unsafe destination[out &+ j] = clamp(unsafe acc[j]) }
                        }
                    }
                }
            }
        }
        return output
    }
}
