// SPDX-License-Identifier: Apache-2.0

/// Expands `BI_RLE8` and `BI_RLE4` pixel data into one palette index per pixel (top row first).
///
/// Pixels the stream skips (delta escapes, early end of line) keep index 0; runs past the right edge are clipped.
enum BMPRunLength {
    static func decode(_ bytes: [UInt8], header: BMPHeader) throws(MediaDecodingError) -> [UInt8] {
        let width = header.width
        let height = header.height
        let isRLE4 = header.compression == .rle4
        var indices = [UInt8](repeating: 0, count: width * height)
        var reader = ByteReader(bytes, offset: header.pixelOffset, format: "BMP")
        var x = 0
        var row = 0
        func put(_ value: UInt8) {
            if x < width, row < height {
                let y = header.topDown ? row : height - 1 - row
                indices[y * width + x] = value
            }
            x += 1
        }
        while true {
            let count = Int(try reader.readByte("RLE data (no end-of-bitmap marker)"))
            let value = try reader.readByte("RLE data (no end-of-bitmap marker)")
            if count > 0 {
                let visible = min(count, max(0, width - x))
                for i in 0..<visible {
                    put(isRLE4 ? (i % 2 == 0 ? value >> 4 : value & 0x0F) : value)
                }
                x += count - visible
                continue
            }
            switch value {
            case 0:
                x = 0
                row += 1
            case 1:
                return indices
            case 2:
                x += Int(try reader.readByte("RLE delta"))
                row += Int(try reader.readByte("RLE delta"))
            default:
                let n = Int(value)
                let dataBytes = isRLE4 ? (n + 1) / 2 : n
                let range = try reader.readRange(dataBytes, "RLE absolute run")
                for i in 0..<n {
                    let byte = bytes[range.lowerBound + (isRLE4 ? i / 2 : i)]
                    put(isRLE4 ? (i % 2 == 0 ? byte >> 4 : byte & 0x0F) : byte)
                }
                if dataBytes % 2 == 1 { try reader.skip(1, "RLE absolute run padding") }
            }
            if row >= height { return indices }
        }
    }
}
