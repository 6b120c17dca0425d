// SPDX-License-Identifier: Apache-2.0

/// A deliberately simple FLAC writer for tests: every subframe type, stereo mode and bit depth is chosen by
/// the test, so the decoder can be checked on streams no real encoder was asked to produce.
struct FLACTestEncoder {
    enum Subframe {
        case constant
        case verbatim
        /// FIXED predictor of `order` (0–4); Rice `parameter`, or raw `escapeBits` per residual when set.
        case fixed(order: Int, parameter: Int, escapeBits: Int? = nil, partitionOrder: Int = 0)
        case lpc(coefficients: [Int64], precision: Int, shift: Int, parameter: Int, partitionOrder: Int = 0)
    }

    enum Stereo: Int {
        case independent = -1
        case leftSide = 8
        case rightSide = 9
        case midSide = 10
    }

    struct Frame {
        var blockSize: Int
        var stereo: Stereo = .independent
        var subframes: [Subframe]
        /// Wasted bits per subframe (0 = none).
        var wasted: [Int] = []
    }

    var sampleRate = 16_000
    var bitsPerSample: Int
    var variableBlockSize = false

    /// Encodes `channels` (one array of integer samples per channel) in the given frames.
    func encode(_ channels: [[Int64]], frames: [Frame]) -> [UInt8] {
        let total = channels[0].count
        var out = Array("fLaC".utf8)
        var info = BitWriter()
        let blockSizes = frames.map(\.blockSize)
        info.write(UInt64(blockSizes.min()!), 16)
        info.write(UInt64(blockSizes.max()!), 16)
        info.write(0, 24)
        info.write(0, 24)
        info.write(UInt64(sampleRate), 20)
        info.write(UInt64(channels.count - 1), 3)
        info.write(UInt64(bitsPerSample - 1), 5)
        info.write(UInt64(total), 36)
        for _ in 0..<16 { info.write(0, 8) }
        out += [0x80, 0, 0, 34] + info.bytes
        var start = 0
        for (index, frame) in frames.enumerated() {
            out += encodeFrame(channels, start: start, index: index, frame)
            start += frame.blockSize
        }
        return out
    }

    private func encodeFrame(_ channels: [[Int64]], start: Int, index: Int, _ frame: Frame) -> [UInt8] {
        let n = frame.blockSize
        var w = BitWriter()
        w.write(variableBlockSize ? 0xFFF9 : 0xFFF8, 16)
        w.write(7, 4)  // 16-bit block size at the end of the header
        w.write(0, 4)  // sample rate from STREAMINFO
        w.write(UInt64(frame.stereo == .independent ? channels.count - 1 : frame.stereo.rawValue), 4)
        let sizeCodes = [8: 1, 12: 2, 16: 4, 20: 5, 24: 6, 32: 7]
        w.write(UInt64(sizeCodes[bitsPerSample] ?? 0), 3)
        w.write(0, 1)
        w.writeUTF8(UInt64(variableBlockSize ? start : index))
        w.write(UInt64(n - 1), 16)
        w.write(UInt64(crc8(w.bytes)), 8)
        // Decorrelated channels.
        var coded = channels.map { Array($0[start..<(start + n)]) }
        var extra = [Int](repeating: 0, count: channels.count)
        switch frame.stereo {
        case .independent: break
        case .leftSide:
            coded[1] = (0..<n).map { coded[0][$0] - coded[1][$0] }
            extra[1] = 1
        case .rightSide:
            coded[0] = (0..<n).map { coded[0][$0] - coded[1][$0] }
            extra[0] = 1
        case .midSide:
            let left = coded[0]
            let right = coded[1]
            coded[0] = (0..<n).map { (left[$0] + right[$0]) >> 1 }
            coded[1] = (0..<n).map { left[$0] - right[$0] }
            extra[1] = 1
        }
        for c in coded.indices {
            let wasted = c < frame.wasted.count ? frame.wasted[c] : 0
            let bits = bitsPerSample + extra[c] - wasted
            let samples = coded[c].map { $0 >> Int64(wasted) }
            writeSubframe(&w, frame.subframes[c], samples, bits: bits, wasted: wasted)
        }
        w.align()
        let crc = crc16(w.bytes)
        w.write(UInt64(crc), 16)
        return w.bytes
    }

    private func writeSubframe(_ w: inout BitWriter, _ kind: Subframe, _ s: [Int64], bits: Int, wasted: Int) {
        let type: Int
        switch kind {
        case .constant: type = 0
        case .verbatim: type = 1
        case .fixed(let order, _, _, _): type = 8 + order
        case .lpc(let c, _, _, _, _): type = 31 + c.count
        }
        w.write(0, 1)
        w.write(UInt64(type), 6)
        if wasted > 0 {
            w.write(1, 1)
            w.writeUnary(wasted - 1)
        } else {
            w.write(0, 1)
        }
        switch kind {
        case .constant:
            w.writeSigned(s[0], bits)
        case .verbatim:
            for v in s { w.writeSigned(v, bits) }
        case .fixed(let order, let parameter, let escapeBits, let partitionOrder):
            for i in 0..<order { w.writeSigned(s[i], bits) }
            let residual = (order..<s.count).map { i -> Int64 in
                switch order {
                case 0: s[i]
                case 1: s[i] - s[i - 1]
                case 2: s[i] - 2 * s[i - 1] + s[i - 2]
                case 3: s[i] - 3 * s[i - 1] + 3 * s[i - 2] - s[i - 3]
                default: s[i] - 4 * s[i - 1] + 6 * s[i - 2] - 4 * s[i - 3] + s[i - 4]
                }
            }
            writeResidual(
                &w,
                residual,
                parameter: parameter,
                escapeBits: escapeBits,
                partitionOrder: partitionOrder,
                blockSize: s.count,
                order: order
            )
        case .lpc(let coefficients, let precision, let shift, let parameter, let partitionOrder):
            let order = coefficients.count
            for i in 0..<order { w.writeSigned(s[i], bits) }
            w.write(UInt64(precision - 1), 4)
            w.writeSigned(Int64(shift), 5)
            for c in coefficients { w.writeSigned(c, precision) }
            let residual = (order..<s.count).map { i -> Int64 in
                var sum: Int64 = 0
                for j in 0..<order { sum += coefficients[j] * s[i - 1 - j] }
                return s[i] - (sum >> Int64(shift))
            }
            writeResidual(
                &w,
                residual,
                parameter: parameter,
                escapeBits: nil,
                partitionOrder: partitionOrder,
                blockSize: s.count,
                order: order
            )
        }
    }

    private func writeResidual(
        _ w: inout BitWriter,
        _ r: [Int64],
        parameter: Int,
        escapeBits: Int?,
        partitionOrder: Int,
        blockSize: Int,
        order: Int
    ) {
        let wide = parameter >= 15
        w.write(wide ? 1 : 0, 2)
        w.write(UInt64(partitionOrder), 4)
        let per = blockSize >> partitionOrder
        var index = 0
        for p in 0..<(1 << partitionOrder) {
            let count = p == 0 ? per - order : per
            if let escapeBits {
                w.write(wide ? 31 : 15, wide ? 5 : 4)
                w.write(UInt64(escapeBits), 5)
                for _ in 0..<count { w.writeSigned(r[index], escapeBits); index += 1 }
                continue
            }
            w.write(UInt64(parameter), wide ? 5 : 4)
            for _ in 0..<count {
                let v = r[index]
                let folded = UInt64(bitPattern: (v << 1) ^ (v >> 63))
                w.writeUnary(Int(folded >> UInt64(parameter)))
                w.write(folded & ((1 << UInt64(parameter)) - 1), parameter)
                index += 1
            }
        }
    }

    func crc8(_ bytes: [UInt8]) -> UInt8 {
        var crc: UInt8 = 0
        for b in bytes {
            crc ^= b
            for _ in 0..<8 { crc = crc & 0x80 != 0 ? (crc << 1) ^ 0x07 : crc << 1 }
        }
        return crc
    }

    func crc16(_ bytes: [UInt8]) -> UInt16 {
        var crc: UInt16 = 0
        for b in bytes {
            crc ^= UInt16(b) << 8
            for _ in 0..<8 { crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x8005 : crc << 1 }
        }
        return crc
    }
}

/// Most-significant-bit-first bit writer.
struct BitWriter {
    var bytes: [UInt8] = []
    private var pending: UInt64 = 0
    private var pendingBits = 0

    mutating func write(_ value: UInt64, _ count: Int) {
        for i in stride(from: count - 1, through: 0, by: -1) {
            pending = pending << 1 | (value >> UInt64(i) & 1)
            pendingBits += 1
            if pendingBits == 8 {
                bytes.append(UInt8(pending))
                pending = 0
                pendingBits = 0
            }
        }
    }

    mutating func writeSigned(_ value: Int64, _ count: Int) {
        write(UInt64(bitPattern: value) & (count == 64 ? .max : (1 << UInt64(count)) - 1), count)
    }

    mutating func writeUnary(_ zeros: Int) {
        for _ in 0..<zeros { write(0, 1) }
        write(1, 1)
    }

    mutating func writeUTF8(_ value: UInt64) {
        if value < 0x80 { write(value, 8); return }
        var continuation = 1
        while value >> UInt64(6 * continuation + 6 - continuation) != 0 { continuation += 1 }
        let leadBits = 6 - continuation
        let lead = (UInt64(0xFF) << UInt64(7 - continuation)) & 0xFF
        write(lead | value >> UInt64(6 * continuation), 8)
        _ = leadBits
        for i in stride(from: continuation - 1, through: 0, by: -1) {
            write(0x80 | (value >> UInt64(6 * i) & 0x3F), 8)
        }
    }

    mutating func align() {
        if pendingBits > 0 { write(0, 8 - pendingBits) }
    }
}
