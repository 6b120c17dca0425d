// SPDX-License-Identifier: Apache-2.0

import Testing
import _RAGTestSupport

@Suite struct SeededGeneratorTests {
    @Test("SplitMix64 matches the test vector in fixtures/ann/README.md")
    func testVector() {
        var rng = SeededGenerator(seed: 0)
        #expect(rng.next() == 0xE220_A839_7B1D_CDAF)
        #expect(rng.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(rng.next() == 0x06C4_5D18_8009_454F)
    }
}
