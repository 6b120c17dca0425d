// SPDX-License-Identifier: Apache-2.0

import MediaDecoding
import Testing
import _RAGTestSupport

@Suite struct WhisperLogMelTests {
    @Test func matchesTransformers() throws {
        let features = WhisperLogMel()(try AudioGoldens.resampled16k())
        #expect(features.shape == [1, 80, 3000])
        let expected = try AudioGoldens.array("feat_cat_whisper_logmel_80x3000.npy")
        #expect(expected.shape == [80, 3000])
        let error = AudioGoldens.maxAbsDifference(features.values, expected.floats)
        #expect(error <= 1e-4, "max |diff| \(error)")
        print("\(#function) max |diff| \(error) (tolerance 1e-4)")
    }

    @Test func endToEndFromTheWAV() throws {
        let mono16k = try AudioGoldens.catClip().resampled(to: 16_000)
        let features = WhisperLogMel()(mono16k.samples)
        let expected = try AudioGoldens.array("feat_cat_whisper_logmel_80x3000.npy")
        let error = AudioGoldens.maxAbsDifference(features.values, expected.floats)
        #expect(error <= 1e-4, "max |diff| \(error)")
        print("\(#function) max |diff| \(error) (tolerance 1e-4)")
    }
}
