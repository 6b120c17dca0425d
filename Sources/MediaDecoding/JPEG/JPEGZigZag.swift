// SPDX-License-Identifier: Apache-2.0

/// The zig-zag sequence of ITU T.81 Figure A.6.
package enum JPEGZigZag {
    /// `natural[k]` is the row-major index of the `k`-th coefficient in zig-zag order.
    package static let natural: [Int] = {
        var order = [Int]()
        for diagonal in 0..<15 {
            let rows = Array(max(0, diagonal - 7)...min(7, diagonal))
            // Even diagonals run up and to the right (row decreasing), odd ones down and to the left.
            for row in diagonal % 2 == 0 ? rows.reversed() : rows {
                order.append(row * 8 + diagonal - row)
            }
        }
        return order
    }()
}
