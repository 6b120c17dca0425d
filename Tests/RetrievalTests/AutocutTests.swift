// SPDX-License-Identifier: Apache-2.0

import Retrieval
import Testing

@Suite struct AutocutTests {
    /// A worked example.
    ///
    /// By hand: with n = 6 the line is 0, .2, .4, .6, .8, 1; the scores rescaled from first 0 to last 1 are
    /// 0, .0125, .025, .5, .5125, 1; their differences from the line are 0, −.1875, −.375, −.1, −.2875, 0. The
    /// local maxima after position 0 are at 3 (−.1 above −.375 and −.2875) and at the last position 5 (0 above
    /// −.2875 and −.1), so the first jump keeps 3 results and the second keeps 5.
    @Test("cuts at the first, second and third jump of a worked example")
    func workedExample() {
        let scores = [0.9, 0.89, 0.88, 0.5, 0.49, 0.1]
        #expect(Autocut.count(of: scores, jumps: 1) == 3)
        #expect(Autocut.count(of: scores, jumps: 2) == 5)
        #expect(Autocut.count(of: scores, jumps: 3) == 6)
        // Distances (ascending) cut at the same place as the mirrored similarities.
        #expect(Autocut.count(of: scores.map { 1 - $0 }, jumps: 1) == 3)
    }

    @Test("short, flat and disabled inputs keep everything")
    func edges() {
        #expect(Autocut.count(of: [], jumps: 1) == 0)
        #expect(Autocut.count(of: [0.4], jumps: 1) == 1)
        #expect(Autocut.count(of: [0.4, 0.1], jumps: 1) == 2)
        #expect(Autocut.count(of: [0.5, 0.5, 0.5], jumps: 1) == 3)
        #expect(Autocut.count(of: [0.9, 0.89, 0.88, 0.5, 0.49, 0.1], jumps: 0) == 6)
        // A straight line has no jump.
        #expect(Autocut.count(of: [5, 4, 3, 2, 1], jumps: 1) == 5)
        // One outlier at the end: the last position is the first jump.
        #expect(Autocut.count(of: [1, 0.99, 0.98, 0.97, 0.1], jumps: 1) == 4)
    }
}
