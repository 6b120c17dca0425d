// SPDX-License-Identifier: Apache-2.0

/// The progression state of a progressive frame and libjpeg-turbo's interblock smoothing, which estimates the
/// low-frequency coefficients that the scans read so far leave unknown (a file cut before its last scan, or a
/// progression that never refines them).
///
/// libjpeg-turbo 3.x (Pillow's decoder) smooths when every component has at least part of its DC coefficients,
/// the quantisation values of the DC and the first nine AC coefficients (zig-zag order) are all non-zero, and
/// one of those nine is still not known to full precision. For each block it then fills each of those AC
/// coefficients that is still zero and not exact with an estimate from the DC values of the 5×5 blocks around
/// it, limited to what the missing low bits could hold; when no AC data at all has arrived for the component it
/// also re-estimates the DC coefficient and three more AC coefficients with a wider, Gaussian-like kernel. Rows
/// after the last one whose data arrived intact use the precision of the scan before the last one. The
/// neighbourhood at the image's edges, and its quirk at the bottom of a frame whose last MCU row holds fewer
/// block rows than the others, follow libjpeg exactly, as does the integer arithmetic, so the pixels match.
struct JPEGBlockSmoothing: Sendable {
    /// The coefficients (zig-zag positions 0...9) whose precision is tracked.
    static let tracked = 10
    /// Natural-order positions of zig-zag coefficients 1...9 (index 0 is the DC coefficient).
    private static let natural = [0, 1, 8, 16, 9, 2, 3, 10, 17, 24]

    private let componentCount: Int
    /// Per component and tracked coefficient: the point transform of the last scan that covered it, or −1.
    private var bits: [Int]
    /// The same as it was before each component's latest scan (0 after its first scan).
    private var previousBits: [Int]
    /// Scans started so far (libjpeg's `input_scan_number`).
    private var scans = 0
    /// The last MCU row whose data arrived before a scan's data ran out (libjpeg's `last_good_iMCU_row`).
    var lastGoodRow = 0

    init(componentCount: Int) {
        self.componentCount = componentCount
        bits = [Int](repeating: -1, count: componentCount * Self.tracked)
        previousBits = [Int](repeating: 0, count: componentCount * Self.tracked)
    }

    /// Records the start of a progressive scan (libjpeg's `start_pass_phuff_decoder`).
    mutating func begin(_ scan: JPEGScan) {
        scans += 1
        for component in scan.componentIndices {
            let base = component * Self.tracked
            for k in 1..<Self.tracked {
                previousBits[base + k] = scans > 1 ? bits[base + k] : 0
            }
            // Bands that start past the tracked coefficients (say 10...63) change none of them.
            for k in scan.spectralStart..<max(scan.spectralStart, min(scan.spectralEnd + 1, Self.tracked)) {
                bits[base + k] = scan.approximationLow
            }
        }
    }

    /// Whether libjpeg would smooth the frame (its `smoothing_ok`).
    func applies(to frame: JPEGFrame, quantization: [Int32]) -> Bool {
        var useful = false
        for (c, component) in frame.components.enumerated() {
            for position in Self.natural where quantization[component.quantSlot * 64 + position] == 0 {
                return false
            }
            let base = c * Self.tracked
            guard bits[base] >= 0 else { return false }
            for k in 1..<Self.tracked where bits[base + k] != 0 { useful = true }
        }
        return useful
    }

    /// The frame's coefficients with libjpeg's estimates filled in (its `decompress_smooth_data`).
    /// - Parameters:
    ///   - coefficients: Every component's blocks, natural order, as the scans left them (read only).
    ///   - frame: The frame's layout.
    ///   - quantization: The four quantisation tables, natural order.
    /// - Returns: A copy of `coefficients` with the blocks that hold samples smoothed.
    func smoothed(_ coefficients: [Int16], frame: JPEGFrame, quantization: [Int32]) -> [Int16] {
        var output = coefficients
        // Rows after the last intact one use the precision as it was before the latest scan of each component.
        let latched = bits
        let previous = scans > 1 ? previousBits : [Int](repeating: -1, count: previousBits.count)
        let rows = frame.mcusHigh
        for (c, component) in frame.components.enumerated() {
            let q = (0..<Self.tracked).map { Int(quantization[component.quantSlot * 64 + Self.natural[$0]]) }
            let v = component.v
            let wide = component.blocksWide
            let lastRowBlocks = component.blocksHigh % v == 0 ? v : component.blocksHigh % v
            let base = component.coefficientOffset
            let stride = component.paddedBlocksWide
            for row in 0..<component.blocksHigh {
                let mcuRow = row / v
                // libjpeg counts rows as if every MCU row had as many block rows as the one being output.
                let blockRows = mcuRow == rows - 1 ? lastRowBlocks : v
                let imageRow = mcuRow * blockRows + row - mcuRow * v
                let imageRows = blockRows * rows
                let above = imageRow > 0 ? row - 1 : row
                let twoAbove = imageRow > 1 ? row - 2 : above
                let below = imageRow < imageRows - 1 ? row + 1 : row
                let twoBelow = imageRow < imageRows - 2 ? row + 2 : below
                let neighbourRows = [twoAbove, above, row, below, twoBelow]
                let source = mcuRow > lastGoodRow ? previous : latched
                let al = Array(source[(c * Self.tracked)..<((c + 1) * Self.tracked)])
                let changesDC = al[1...].allSatisfy { $0 == -1 }
                for column in 0..<wide {
                    // dc[5 * i + j]: the DC of the block i − 2 rows and j − 2 columns away, clamped to the image.
                    var dc = [Int](repeating: 0, count: 25)
                    for i in 0..<5 {
                        let rowBase = base + neighbourRows[i] * stride * 64
                        for j in 0..<5 {
                            let x = min(max(column + j - 2, 0), wide - 1)
                            dc[5 * i + j] = Int(coefficients[rowBase + x * 64])
                        }
                    }
                    let block = base + (row * stride + column) * 64
                    Self.estimate(
                        block: &output,
                        at: block,
                        dc: dc,
                        q: q,
                        al: al,
                        changesDC: changesDC
                    )
                }
            }
        }
        return output
    }

    /// Fills the estimates of one block (`dc` holds the 5×5 DC neighbourhood, row by row).
    private static func estimate(
        block output: inout [Int16],
        at block: Int,
        dc d: [Int],
        q: [Int],
        al: [Int],
        changesDC: Bool
    ) {
        // Weights of the 25 DC values for each estimated coefficient (zig-zag 1...9, then the DC), libjpeg's
        // kernels written out as 5×5 grids.
        let sums: [Int]
        if changesDC {
            sums = [
                dot(d, wideAC01), dot(d, wideAC10), dot(d, wideAC20), dot(d, wideAC11), dot(d, wideAC02),
                dot(d, wideAC03), dot(d, wideAC12), dot(d, wideAC21), dot(d, wideAC30),
            ]
        } else {
            sums = [
                dot(d, narrowAC01), dot(d, narrowAC10), dot(d, narrowAC20), dot(d, narrowAC11), dot(d, narrowAC02),
            ]
        }
        for k in 1...sums.count {
            let position = natural[k]
            guard al[k] != 0, output[block + position] == 0 else { continue }
            output[block + position] = predict(q[0] * sums[k - 1], q[k], al[k])
        }
        if changesDC {
            output[block] = predict(q[0] * dot(d, wideDC), q[0], 0)
        }
    }

    /// libjpeg's rounded quotient `num / (q · 256)`, limited to `2^al − 1` in magnitude when `al > 0`.
    private static func predict(_ num: Int, _ q: Int, _ al: Int) -> Int16 {
        var prediction = ((q << 7) + abs(num)) / (q << 8)
        if al > 0, prediction >= 1 << al { prediction = (1 << al) - 1 }
        return Int16(truncatingIfNeeded: num >= 0 ? prediction : -prediction)
    }

    private static func dot(_ d: [Int], _ weights: [Int]) -> Int {
        var sum = 0
        for i in 0..<25 where weights[i] != 0 { sum += d[i] * weights[i] }
        return sum
    }

    // The narrow kernels (some AC data has arrived): rows are two above … two below, columns two left … two right.
    private static let narrowAC01 = [
        0, 0, 0, 0, 0,
        0, 0, 0, 0, 0,
        -7, 50, 0, -50, 7,
        0, 0, 0, 0, 0,
        0, 0, 0, 0, 0,
    ]
    private static let narrowAC10 = [
        0, 0, -7, 0, 0,
        0, 0, 50, 0, 0,
        0, 0, 0, 0, 0,
        0, 0, -50, 0, 0,
        0, 0, 7, 0, 0,
    ]
    private static let narrowAC20 = [
        0, 0, -1, 0, 0,
        0, 0, 13, 0, 0,
        0, 0, -24, 0, 0,
        0, 0, 13, 0, 0,
        0, 0, -1, 0, 0,
    ]
    private static let narrowAC11 = [
        0, -1, 0, 1, 0,
        -1, 10, 0, -10, 1,
        0, 0, 0, 0, 0,
        1, -10, 0, 10, -1,
        0, 1, 0, -1, 0,
    ]
    private static let narrowAC02 = [
        0, 0, 0, 0, 0,
        0, 0, 0, 0, 0,
        -1, 13, -24, 13, -1,
        0, 0, 0, 0, 0,
        0, 0, 0, 0, 0,
    ]
    // The wide kernels (no AC data yet for the component).
    private static let wideAC01 = [
        -1, -1, 0, 1, 1,
        -3, 13, 0, -13, 3,
        -3, 38, 0, -38, 3,
        -3, 13, 0, -13, 3,
        -1, -1, 0, 1, 1,
    ]
    private static let wideAC10 = [
        -1, -3, -3, -3, -1,
        -1, 13, 38, 13, -1,
        0, 0, 0, 0, 0,
        1, -13, -38, -13, 1,
        1, 3, 3, 3, 1,
    ]
    private static let wideAC20 = [
        0, 0, 1, 0, 0,
        0, 2, 7, 2, 0,
        0, -5, -14, -5, 0,
        0, 2, 7, 2, 0,
        0, 0, 1, 0, 0,
    ]
    private static let wideAC11 = [
        -1, 0, 0, 0, 1,
        0, 9, 0, -9, 0,
        0, 0, 0, 0, 0,
        0, -9, 0, 9, 0,
        1, 0, 0, 0, -1,
    ]
    private static let wideAC02 = [
        0, 0, 0, 0, 0,
        0, 2, -5, 2, 0,
        1, 7, -14, 7, 1,
        0, 2, -5, 2, 0,
        0, 0, 0, 0, 0,
    ]
    private static let wideAC03 = [
        0, 0, 0, 0, 0,
        0, 1, 0, -1, 0,
        0, 2, 0, -2, 0,
        0, 1, 0, -1, 0,
        0, 0, 0, 0, 0,
    ]
    private static let wideAC12 = [
        0, 0, 0, 0, 0,
        0, 1, -3, 1, 0,
        0, 0, 0, 0, 0,
        0, -1, 3, -1, 0,
        0, 0, 0, 0, 0,
    ]
    private static let wideAC21 = [
        0, 0, 0, 0, 0,
        0, 1, 0, -1, 0,
        0, -3, 0, 3, 0,
        0, 1, 0, -1, 0,
        0, 0, 0, 0, 0,
    ]
    private static let wideAC30 = [
        0, 0, 0, 0, 0,
        0, 1, 2, 1, 0,
        0, 0, 0, 0, 0,
        0, -1, -2, -1, 0,
        0, 0, 0, 0, 0,
    ]
    private static let wideDC = [
        -2, -6, -8, -6, -2,
        -6, 6, 42, 6, -6,
        -8, 42, 152, 42, -8,
        -6, 6, 42, 6, -6,
        -2, -6, -8, -6, -2,
    ]
}
