// SPDX-License-Identifier: Apache-2.0

/// Decodes one FLAC subframe (CONSTANT, VERBATIM, FIXED or LPC, with wasted bits and Rice-coded residuals)
/// into `blockSize` samples.
enum FLACSubframe {
    /// Decodes a subframe of `bitsPerSample` bits (already including the side channel's extra bit) into
    /// `output[offset ..< offset + blockSize]`.
    static func decode(
        _ reader: inout FLACBitReader,
        blockSize: Int,
        bitsPerSample: Int,
        into output: inout [Int64],
        at offset: Int
    ) throws(MediaDecodingError) {
        guard try reader.read(1) == 0 else { throw .corrupt("FLAC subframe padding bit is set") }
        let type = Int(try reader.read(6))
        var bits = bitsPerSample
        var wasted = 0
        if try reader.read(1) == 1 {
            wasted = try reader.readUnary(limit: bits - 1) + 1
            bits -= wasted
        }
        switch type {
        case 0:
            let value = try reader.readSigned(bits)
            for i in 0..<blockSize { output[offset + i] = value }
        case 1:
            for i in 0..<blockSize { output[offset + i] = try reader.readSigned(bits) }
        case 8...12:
            let order = type - 8
            guard order <= blockSize else {
                throw .corrupt("FLAC FIXED order \(order) exceeds block size \(blockSize)")
            }
            for i in 0..<order { output[offset + i] = try reader.readSigned(bits) }
            try decodeResidual(&reader, blockSize: blockSize, order: order, into: &output, at: offset)
            restoreFixed(order: order, &output, offset, blockSize)
        case 32...63:
            let order = type - 31
            guard order <= blockSize else { throw .corrupt("FLAC LPC order \(order) exceeds block size \(blockSize)") }
            for i in 0..<order { output[offset + i] = try reader.readSigned(bits) }
            let precision = Int(try reader.read(4)) + 1
            guard precision != 16 else { throw .corrupt("FLAC LPC coefficient precision 15 is invalid") }
            let shift = try reader.readSigned(5)
            guard shift >= 0 else { throw .corrupt("FLAC LPC shift \(shift) is negative") }
            var coefficients = [Int64](repeating: 0, count: order)
            for j in 0..<order { coefficients[j] = try reader.readSigned(precision) }
            try decodeResidual(&reader, blockSize: blockSize, order: order, into: &output, at: offset)
            restoreLPC(coefficients, shift: shift, &output, offset, blockSize)
        default:
            throw .corrupt("FLAC subframe type \(type) is reserved")
        }
        if wasted > 0 {
            for i in offset..<(offset + blockSize) { output[i] = output[i] << Int64(wasted) }
        }
    }

    /// Reads the Rice-coded residual into `output[offset + order ..< offset + blockSize]`.
    private static func decodeResidual(
        _ reader: inout FLACBitReader,
        blockSize: Int,
        order: Int,
        into output: inout [Int64],
        at offset: Int
    ) throws(MediaDecodingError) {
        let method = try reader.read(2)
        guard method <= 1 else { throw .corrupt("FLAC residual coding method \(method) is reserved") }
        let parameterBits = method == 0 ? 4 : 5
        let escape: UInt64 = method == 0 ? 15 : 31
        let partitionOrder = Int(try reader.read(4))
        let partitions = 1 << partitionOrder
        guard blockSize % partitions == 0, blockSize >> partitionOrder >= order else {
            throw .corrupt(
                "FLAC partition order \(partitionOrder) does not fit block size \(blockSize), order \(order)"
            )
        }
        let perPartition = blockSize >> partitionOrder
        var position = offset + order
        for partition in 0..<partitions {
            let count = partition == 0 ? perPartition - order : perPartition
            let parameter = try reader.read(parameterBits)
            if parameter == escape {
                let rawBits = Int(try reader.read(5))
                for _ in 0..<count {
                    output[position] = try reader.readSigned(rawBits)
                    position += 1
                }
                continue
            }
            let k = Int(parameter)
            // Keep (quotient << k) inside 63 bits so garbage cannot overflow.
            let limit = k >= 32 ? 0 : (1 << (32 - k)) - 1 + (1 << 28)
            precondition(position + count <= output.count, "residual outside the block")
            let start = position
            try unsafe output.withUnsafeMutableBufferPointer { (samples) throws(MediaDecodingError) in
                for j in start..<(start &+ count) {
                    let quotient = UInt64(try reader.readUnary(limit: limit))
                    let folded = quotient << UInt64(k) | (try reader.read(k))
                    unsafe samples[j] = Int64(bitPattern: folded >> 1) ^ -Int64(bitPattern: folded & 1)
                }
            }
            position += count
        }
    }

    private static func restoreFixed(order: Int, _ s: inout [Int64], _ offset: Int, _ count: Int) {
        let end = offset + count
        var i = offset + order
        switch order {
        case 1:
            while i < end { s[i] = s[i] &+ s[i - 1]; i += 1 }
        case 2:
            while i < end { s[i] = s[i] &+ 2 &* s[i - 1] &- s[i - 2]; i += 1 }
        case 3:
            while i < end { s[i] = s[i] &+ 3 &* (s[i - 1] &- s[i - 2]) &+ s[i - 3]; i += 1 }
        case 4:
            while i < end {
                s[i] = s[i] &+ 4 &* (s[i - 1] &+ s[i - 3]) &- 6 &* s[i - 2] &- s[i - 4]
                i += 1
            }
        default:
            break
        }
    }

    private static func restoreLPC(
        _ coefficients: [Int64],
        shift: Int64,
        _ s: inout [Int64],
        _ offset: Int,
        _ count: Int
    ) {
        let order = coefficients.count
        unsafe s.withUnsafeMutableBufferPointer { samples in
            unsafe coefficients.withUnsafeBufferPointer { c in
                precondition(offset + count <= samples.count)
                var i = offset &+ order
                let end = offset &+ count
                while i < end {
                    var sum: Int64 = 0
                    for j in 0..<order {
                        sum &+= unsafe c[j] &* samples[i &- 1 &- j]
                    }
                    unsafe samples[i] = unsafe samples[i] &+ (sum >> shift)
                    i &+= 1
                }
            }
        }
    }
}
