// SPDX-License-Identifier: Apache-2.0

import MediaDecoding
import Testing
import _RAGTestSupport

@Suite struct KaldiFbankTests {
    @Test func imageBindFbankMatchesTorchaudio() throws {
        let x = try AudioGoldens.resampled16k()
        let mean = Float(x.reduce(0.0) { $0 + Double($1) } / Double(x.count))
        let features = KaldiFbank.imageBind(x.map { $0 - mean })
        #expect(features.shape == [1, 197, 128])
        let expected = try AudioGoldens.array("feat_cat_kaldi_fbank_128.npy")
        #expect(expected.shape == [197, 128])
        let error = AudioGoldens.maxAbsDifference(features.values, expected.floats)
        #expect(error <= 2e-3, "max |diff| \(error)")
        print("\(#function) max |diff| \(error) (tolerance 2e-3)")
    }

    @Test func shortInputHasNoFrames() {
        #expect(KaldiFbank.imageBind.frameCount(for: 399) == 0)
        #expect(KaldiFbank.imageBind.frameCount(for: 400) == 1)
        #expect(KaldiFbank.imageBind([Float](repeating: 0, count: 100)).height == 0)
    }
}
