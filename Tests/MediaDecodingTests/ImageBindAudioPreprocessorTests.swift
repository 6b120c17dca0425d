// SPDX-License-Identifier: Apache-2.0

import MediaDecoding
import Testing
import _RAGTestSupport

@Suite struct ImageBindAudioPreprocessorTests {
    @Test func imageBindMelspecMatchesGolden() throws {
        let melspec = ImageBindAudioPreprocessor()(try AudioGoldens.resampled16k())
        #expect(melspec.shape == [1, 128, 204])
        let expected = try AudioGoldens.array("feat_cat_imagebind_melspec_1x128x204.npy")
        #expect(expected.shape == [1, 128, 204])
        let error = AudioGoldens.maxAbsDifference(melspec.values, expected.floats)
        #expect(error <= 3e-4, "max |diff| \(error)")
        print("\(#function) max |diff| \(error) (tolerance 3e-4)")
    }

    /// Decode → our resampler → fbank: the whole chain stays within the fbank tolerance.
    @Test func endToEndFromTheWAV() throws {
        let mono16k = try AudioGoldens.catClip().downmixedToMono().resampled(to: 16_000)
        let melspec = ImageBindAudioPreprocessor()(mono16k.samples)
        let expected = try AudioGoldens.array("feat_cat_imagebind_melspec_1x128x204.npy")
        let error = AudioGoldens.maxAbsDifference(melspec.values, expected.floats)
        #expect(error <= 3e-4, "max |diff| \(error)")
        print("\(#function) max |diff| \(error) (tolerance 3e-4)")
    }

    /// The clip is shorter than 2 s, so ImageBind's three clips are all the whole clip: each equals the golden.
    @Test func threeClipPipelineFromTheWAV() throws {
        let clips = ImageBindAudioPreprocessor().clips(try AudioGoldens.catClip())
        #expect(clips.count == 3)
        let expected = try AudioGoldens.array("feat_cat_imagebind_melspec_1x128x204.npy").floats
        for clip in clips {
            #expect(clip.shape == [1, 128, 204])
            let error = AudioGoldens.maxAbsDifference(clip.values, expected)
            #expect(error <= 3e-4, "max |diff| \(error)")
        }
    }

    @Test func clipsAreEvenlySpaced() {
        let preprocessor = ImageBindAudioPreprocessor()
        #expect(preprocessor.clipRanges(sampleCount: 80_000) == [0..<32_000, 24_000..<56_000, 48_000..<80_000])
        #expect(preprocessor.clipRanges(sampleCount: 31_837) == [0..<31_837, 0..<31_837, 0..<31_837])
        // 7 s + 1 sample: the middle clip starts at 2.50003125 s = sample 40000.5, truncated.
        #expect(preprocessor.clipRanges(sampleCount: 112_001)[1] == 40_000..<72_000)
        #expect(preprocessor.clipRanges(sampleCount: 0) == [0..<0, 0..<0, 0..<0])
    }
}
