// SPDX-License-Identifier: Apache-2.0

/// FLAC's frame checksums: CRC-8 (polynomial x^8 + x^2 + x + 1) over the frame header and CRC-16
/// (x^16 + x^15 + x^2 + 1) over the whole frame, both most-significant-bit first with a zero initial value.
enum FLACChecksum {
    static let crc8Table: [UInt8] = (0..<256).map { byte in
        var crc = UInt8(byte)
        for _ in 0..<8 { crc = crc & 0x80 != 0 ? (crc << 1) ^ 0x07 : crc << 1 }
        return crc
    }

    static let crc16Table: [UInt16] = (0..<256).map { byte in
        var crc = UInt16(byte) << 8
        for _ in 0..<8 { crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x8005 : crc << 1 }
        return crc
    }

    static func crc8(_ bytes: [UInt8], _ range: Range<Int>) -> UInt8 {
        var crc: UInt8 = 0
        for i in range { crc = crc8Table[Int(crc ^ bytes[i])] }
        return crc
    }

    static func crc16(_ bytes: [UInt8], _ range: Range<Int>) -> UInt16 {
        precondition(range.lowerBound >= 0 && range.upperBound <= bytes.count, "CRC range outside the data")
        var crc: UInt16 = 0
        unsafe bytes.withUnsafeBufferPointer { buffer in
            unsafe crc16Table.withUnsafeBufferPointer { table in
                for i in range {
                    crc = unsafe (crc << 8) ^ table[Int(UInt8(truncatingIfNeeded: crc >> 8) ^ buffer[i])]
                }
            }
        }
        return crc
    }
}
