// SPDX-License-Identifier: Apache-2.0

extension FLACDecoder {
    static func appendInterleaved(
        _ block: [Int64],
        _ n: Int,
        _ keep: Int,
        _ channels: Int,
        _ bits: Int,
        to samples: inout [Float]
    ) {
        let scale = 1 / Float(sign: .plus, exponent: bits - 1, significand: 1)
        let start = samples.count
        samples.append(contentsOf: repeatElement(0, count: keep * channels))
        precondition(block.count >= n * channels && keep <= n)
        unsafe block.withUnsafeBufferPointer { source in
            unsafe samples.withUnsafeMutableBufferPointer { destination in
                for c in 0..<channels {
                    var out = start &+ c
                    let base = c &* n
                    for i in 0..<keep {
                        unsafe destination[out] = Float(unsafe source[base &+ i]) * scale
                        out &+= channels
                    }
                }
            }
        }
    }

    /// The samples as FLAC's MD5 signature hashes them: interleaved, little-endian, `ceil(bits / 8)` bytes each.
    static func littleEndianPCM(
        _ block: [Int64],
        _ n: Int,
        _ keep: Int,
        _ channels: Int,
        _ bits: Int,
        into pcm: inout [UInt8]
    ) {
        let width = (bits + 7) / 8
        let total = keep * channels * width
        if pcm.count != total { pcm = [UInt8](repeating: 0, count: total) }
        precondition(block.count >= n * channels && keep <= n)
        unsafe block.withUnsafeBufferPointer { source in
            unsafe pcm.withUnsafeMutableBufferPointer { destination in
                var out = 0
                for i in 0..<keep {
                    for c in 0..<channels {
                        var v = UInt64(bitPattern: unsafe source[c &* n &+ i])
                        for _ in 0..<width {
                            unsafe destination[out] = UInt8(truncatingIfNeeded: v)
                            v >>= 8
                            out &+= 1
                        }
                    }
                }
            }
        }
    }
}
