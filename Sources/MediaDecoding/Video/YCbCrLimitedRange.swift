// SPDX-License-Identifier: Apache-2.0

/// Limited-range ("studio swing") BT.601 Y'CbCr to RGB, the Y4M default, in Double precision:
/// `Y' = (Y - 16) · 255/219`, `Cb' = (U - 128) · 255/224`, `Cr' = (V - 128) · 255/224`,
/// `R = Y' + 1.402 Cr'`, `G = Y' - (1.772 · 0.114/0.587) Cb' - (1.402 · 0.299/0.587) Cr'`, `B = Y' + 1.772 Cb'`,
/// each rounded with `⌊x + 0.5⌋` and clipped to 0…255.
///
/// The products are tabulated per byte value, so every sum is computed exactly as a float64 NumPy reference
/// evaluates the formula term by term.
enum YCbCrLimitedRange {
    static let luma: [Double] = (0..<256).map { Double($0 - 16) * 255 / 219 }
    static let redFromCr: [Double] = (0..<256).map { 1.402 * chroma($0) }
    static let greenFromCb: [Double] = (0..<256).map { (1.772 * 0.114 / 0.587) * chroma($0) }
    static let greenFromCr: [Double] = (0..<256).map { (1.402 * 0.299 / 0.587) * chroma($0) }
    static let blueFromCb: [Double] = (0..<256).map { 1.772 * chroma($0) }

    private static func chroma(_ value: Int) -> Double { Double(value - 128) * 255 / 224 }

    /// `⌊x + 0.5⌋` clipped to a byte.
    static func byte(_ x: Double) -> UInt8 {
        let rounded = (x + 0.5).rounded(.down)
        if rounded <= 0 { return 0 }
        if rounded >= 255 { return 255 }
        return UInt8(rounded)
    }
}
