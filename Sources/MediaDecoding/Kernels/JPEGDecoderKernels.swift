// SPDX-License-Identifier: Apache-2.0

package import _RAGNumerics

#if arch(x86_64)
import _RAGKernelsC
#endif

/// The JPEG decoder's dispatched kernels: the AVX2 C kernels of `_RAGKernelsC` where the instruction level allows,
/// otherwise the portable Swift code, which is also the oracle they are tested against byte for byte.
package enum JPEGDecoderKernels {
    /// Whether the AVX2 kernels run at `level` on this architecture.
    @inline(__always)
    static func usesAVX2(_ level: InstructionLevel) -> Bool {
        #if arch(x86_64)
        return level >= .avx2
        #else
        return false
        #endif
    }

    /// Whether the AVX2 kernels run at the process's current level (``InstructionLevel/current``).
    static var usesAVX2Now: Bool { usesAVX2(.current) }

    /// The accurate integer inverse DCT of one block (``JPEGIDCT/transform(_:into:stride:)``, or its AVX2 twin).
    /// - Parameters:
    ///   - block: 64 dequantised coefficients, natural order; left zeroed.
    ///   - output: The top-left sample; eight rows of eight bytes, `stride` bytes apart, are written.
    ///   - stride: Bytes between output rows.
    ///   - avx2: Whether to run the AVX2 kernel (``usesAVX2(_:)``, decided once per scan).
    @inline(__always)
    static func inverseDCT(
        _ block: UnsafeMutablePointer<Int32>,
        into output: UnsafeMutablePointer<UInt8>,
        stride: Int,
        avx2: Bool
    ) {
        #if arch(x86_64)
        if avx2 {
            unsafe rag_avx2_jpeg_idct_islow(block, output, stride)
            return
        }
        #endif
        unsafe JPEGIDCT.transform(block, into: output, stride: stride)
        unsafe block.update(repeating: 0, count: 64)
    }

    /// The inverse DCT of one block at `level`, for tests: 64 dequantised coefficients in, 64 samples out (and
    /// whether the block was left zeroed).
    /// - Parameters:
    ///   - coefficients: 64 coefficients, natural order.
    ///   - level: The instruction level to run.
    /// - Returns: The 8×8 samples, row by row, and whether the block was left all zero.
    package static func inverseDCT(
        _ coefficients: [Int32],
        level: InstructionLevel
    ) -> (samples: [UInt8], zeroed: Bool) {
        precondition(coefficients.count == 64, "an 8x8 block has 64 coefficients")
        var block = coefficients
        var samples = [UInt8](repeating: 0, count: 64)
        let avx2 = usesAVX2(level)
        unsafe block.withUnsafeMutableBufferPointer { blockBuffer in
            unsafe samples.withUnsafeMutableBufferPointer { sampleBuffer in
                unsafe inverseDCT(blockBuffer.baseAddress!, into: sampleBuffer.baseAddress!, stride: 8, avx2: avx2)
            }
        }
        return (samples, block.allSatisfy { $0 == 0 })
    }
}
