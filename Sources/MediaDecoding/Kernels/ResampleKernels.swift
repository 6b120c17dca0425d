// SPDX-License-Identifier: Apache-2.0

package import _RAGNumerics

#if arch(x86_64)
import _RAGKernelsC
#endif

/// The 8-bit resize passes on the C kernels of `_RAGKernelsC` (AVX2), chosen at run time; ``ResamplePass`` is
/// the portable path and the oracle they are tested against.
///
/// Both paths compute the same 32-bit wrapping sums, so their bytes are identical. Every length and every tap
/// range is checked here before the C code runs; the C code reads and writes nothing beyond them.
package enum ResampleKernels {
    /// Whether the dispatched kernel handles this pass at `level`.
    @inline(__always)
    static func handles<Sample, Accumulator>(_: Sample.Type, _: Accumulator.Type, level: InstructionLevel) -> Bool {
        level >= .avx2 && Sample.self == UInt8.self && Accumulator.self == Int32.self
    }

    /// `ResamplePass.horizontal` for 8-bit samples on the AVX2 kernel.
    static func horizontal(
        _ input: [UInt8],
        width: Int,
        height: Int,
        channels: Int,
        table: ResampleCoefficients,
        rows: Range<Int>
    ) -> [UInt8] {
        let outWidth = table.first.count
        precondition(channels >= 1 && channels <= 4, "the resize kernels take 1 to 4 channels")
        precondition(width > 0 && input.count == width * height * channels, "sample count does not match the size")
        precondition(rows.lowerBound >= 0 && rows.upperBound <= height, "row range outside the image")
        precondition(table.covers(inputSize: width), "filter taps outside the row")
        let total = outWidth * rows.count * channels
        guard total > 0 else { return [] }
        #if arch(x86_64)
        // The kernel's scratch (its `RAG_RESAMPLE_SCRATCH`): 32 Int16 weight halves per 4 taps of every output.
        let scratchCount = outWidth * 32 * ((table.stride + 3) / 4)
        // The kernel writes every output sample, so the buffer starts uninitialised.
        return unsafe [UInt8](unsafeUninitializedCapacity: total) { destination, initialized in
            unsafe withUnsafeTemporaryAllocation(of: Int16.self, capacity: max(scratchCount, 1)) { scratch in
                unsafe input.withUnsafeBufferPointer { source in
                    unsafe table.first.withUnsafeBufferPointer { first in
                        unsafe table.count.withUnsafeBufferPointer { count in
                            unsafe table.weights.withUnsafeBufferPointer { weights in
                                unsafe rag_avx2_resample_horizontal_u8(
                                    source.baseAddress! + rows.lowerBound * width * channels,
                                    width,
                                    rows.count,
                                    channels,
                                    first.baseAddress!,
                                    count.baseAddress!,
                                    weights.baseAddress!,
                                    table.stride,
                                    outWidth,
                                    scratch.baseAddress!,
                                    destination.baseAddress!
                                )
                            }
                        }
                    }
                }
            }
            initialized = total
        }
        #else
        preconditionFailure("no resize kernels on this architecture")
        #endif
    }

    /// `ResamplePass.vertical` for 8-bit samples on the AVX2 kernel.
    static func vertical(
        _ input: [UInt8],
        width: Int,
        channels: Int,
        table: ResampleCoefficients
    ) -> [UInt8] {
        let outHeight = table.first.count
        let rowLength = width * channels
        precondition(rowLength > 0 && input.count % rowLength == 0, "sample count is not a whole number of rows")
        let inHeight = input.count / rowLength
        precondition(table.covers(inputSize: inHeight), "filter taps outside the image")
        let total = outHeight * rowLength
        guard total > 0 else { return [] }
        #if arch(x86_64)
        // The kernel writes every output sample, so the buffer starts uninitialised.
        return unsafe [UInt8](unsafeUninitializedCapacity: total) { destination, initialized in
            unsafe input.withUnsafeBufferPointer { source in
                unsafe table.first.withUnsafeBufferPointer { first in
                    unsafe table.count.withUnsafeBufferPointer { count in
                        unsafe table.weights.withUnsafeBufferPointer { weights in
                            unsafe rag_avx2_resample_vertical_u8(
                                source.baseAddress!,
                                rowLength,
                                inHeight,
                                first.baseAddress!,
                                count.baseAddress!,
                                weights.baseAddress!,
                                table.stride,
                                outHeight,
                                destination.baseAddress!
                            )
                        }
                    }
                }
            }
            initialized = total
        }
        #else
        preconditionFailure("no resize kernels on this architecture")
        #endif
    }

    // MARK: - Entry points for the tests (one pass, or a whole resize, at an explicit level)

    /// One horizontal pass of 8-bit samples from `width` to `outWidth` columns over `rows`, at `level`.
    package static func horizontalPass(
        _ input: [UInt8],
        width: Int,
        height: Int,
        channels: Int,
        outWidth: Int,
        filter: ResizeFilter,
        rows: Range<Int>,
        level: InstructionLevel
    ) -> [UInt8] {
        let table = ResampleCoefficients(inputSize: width, outputSize: outWidth, filter: filter)
        return ResamplePass<UInt8, Int32>.horizontal(
            input,
            width: width,
            height: height,
            channels: channels,
            table: table,
            rows: rows,
            level: level
        )
    }

    /// One vertical pass of 8-bit samples from `height` to `outHeight` rows, at `level`.
    package static func verticalPass(
        _ input: [UInt8],
        width: Int,
        height: Int,
        channels: Int,
        outHeight: Int,
        filter: ResizeFilter,
        level: InstructionLevel
    ) -> [UInt8] {
        let table = ResampleCoefficients(inputSize: height, outputSize: outHeight, filter: filter)
        return ResamplePass<UInt8, Int32>.vertical(
            input,
            width: width,
            channels: channels,
            table: table,
            level: level
        )
    }
}

extension ResampleCoefficients {
    /// True when every output's taps lie inside `0..<inputSize` and within the table's stride.
    func covers(inputSize: Int) -> Bool {
        guard count.count == first.count, weights.count >= first.count * stride else { return false }
        for i in first.indices {
            let low = first[i]
            let n = count[i]
            if low < 0 || n < 0 || n > stride || low > inputSize - n { return false }
        }
        return true
    }
}

extension Image {
    /// ``resized(width:height:filter:)`` with the 8-bit passes run at `level` (for the tests that compare levels).
    package func resized(width: Int, height: Int, filter: ResizeFilter, level: InstructionLevel) -> Image {
        precondition(width > 0 && height > 0, "resize target must be positive")
        return resized(width: width, height: height, filter: filter, columns: 0..<width, rows: 0..<height, level: level)
    }
}
