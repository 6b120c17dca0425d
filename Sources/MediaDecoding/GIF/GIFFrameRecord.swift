// SPDX-License-Identifier: Apache-2.0

/// One image of a GIF file as stored: its rectangle, palette, Graphic Control Extension values and LZW data.
struct GIFFrameRecord {
    var left: Int
    var top: Int
    var width: Int
    var height: Int
    var interlaced: Bool
    /// RGB triples: the local colour table, or the global one.
    var palette: [UInt8]
    var transparentIndex: Int?
    var disposal: Int
    /// The Graphic Control Extension delay in hundredths of a second (0 when absent).
    var delay: Int
    var minimumCodeSize: Int
    /// The concatenated data sub-blocks.
    var data: [UInt8]

    /// The frame's palette indices in row order (interlaced rows put back in place) and how many were decoded.
    func indices(limits: DecodingLimits) throws(MediaDecodingError) -> (indices: [UInt8], produced: Int) {
        if width == 0 || height == 0 { return ([], 0) }
        try limits.checkImage(width: width, height: height, bytesPerPixel: 1, format: "GIF frame")
        let decoded = try LZWDecoder.decode(data, minimumCodeSize: minimumCodeSize, pixelCount: width * height)
        guard interlaced else { return decoded }
        var rows = [UInt8](repeating: 0, count: width * height)
        var source = 0
        for (start, step) in [(0, 8), (4, 8), (2, 4), (1, 2)] {
            var y = start
            while y < height {
                for x in 0..<width { rows[y * width + x] = decoded.indices[source + x] }
                source += width
                y += step
            }
        }
        return (rows, decoded.produced)
    }
}
