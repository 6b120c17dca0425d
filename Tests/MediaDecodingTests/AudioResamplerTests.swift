// SPDX-License-Identifier: Apache-2.0

import MediaDecoding
import Testing
import _RAGTestSupport

@Suite struct AudioResamplerTests {
    /// torchaudio is the reference of record: ImageBind and most PyTorch audio pipelines resample with it.
    @Test func matchesTorchaudioWithinTolerance() throws {
        let clip = try AudioGoldens.catClip()
        #expect(clip.sampleRate == 22_050 && clip.frameCount == 43_874)
        let resampled = clip.resampled(to: 16_000)
        #expect(resampled.sampleRate == 16_000)
        #expect(resampled.frameCount == 31_837)
        let expected = try AudioGoldens.array("feat_cat_16k_torchaudio.npy")
        #expect(expected.shape == [31_837, 1])
        let error = AudioGoldens.maxAbsDifference(resampled.samples, expected.floats)
        #expect(error <= 3e-5, "max |diff| \(error)")
        print("\(#function) max |diff| \(error) (tolerance 3e-5)")
    }

    /// The alternative filter: scipy's `resample_poly` (Kaiser β = 5, 8821 taps).
    @Test func polyphaseMatchesScipy() throws {
        let clip = try AudioGoldens.catClip()
        let resampler = PolyphaseResampler(from: 22_050, to: 16_000)
        let out = resampler.resample(clip.samples)
        let expected = try AudioGoldens.array("feat_cat_16k_scipy_resample_poly.npy")
        #expect(expected.shape == [31_837, 1])
        #expect(out.count == 31_837)
        let error = AudioGoldens.maxAbsDifference(out, expected.floats)
        #expect(error <= 3e-5, "max |diff| \(error)")
        print("\(#function) max |diff| \(error) (tolerance 3e-5)")
    }

    @Test func outputLengthIsCeilingOfRatio() {
        let resampler = AudioResampler(from: 44_100, to: 16_000)
        #expect(resampler.outputCount(for: 44_100) == 16_000)
        #expect(resampler.outputCount(for: 1) == 1)
        #expect(resampler.resample([]).isEmpty)
        #expect(AudioResampler(from: 8_000, to: 8_000).resample([1, 2, 3]) == [1, 2, 3])
    }

    @Test func keepsALowToneAndRemovesAboveNyquist() {
        // 1 kHz survives 48 k → 16 k; 12 kHz (above the new 8 kHz Nyquist) is removed.
        let n = 4_800
        let low = (0..<n).map { Float(Double.sinTurns(Double($0) * 1_000 / 48_000)) }
        let high = (0..<n).map { Float(Double.sinTurns(Double($0) * 12_000 / 48_000)) }
        let resampler = AudioResampler(from: 48_000, to: 16_000)
        let lowOut = resampler.resample(low)
        let highOut = resampler.resample(high)
        #expect(lowOut.count == 1_600)
        let interior = 100..<1_500
        let lowPeak = interior.map { abs(lowOut[$0]) }.max() ?? 0
        let highPeak = interior.map { abs(highOut[$0]) }.max() ?? 1
        #expect(lowPeak > 0.98 && lowPeak < 1.02)
        #expect(highPeak < 5e-3, "stop band ≈ −55 dB for a 6-zero-crossing Hann sinc")
    }

    @Test func coprimeRatesStaySmallAndCorrect() {
        // 44 101 and 16 000 share no factor: torchaudio would build a 16 000 × 44 135 kernel.
        let resampler = AudioResampler(from: 44_101, to: 16_000)
        let tone = (0..<44_101).map { Float(Double.sinTurns(Double($0) * 440 / 44_101)) }
        let out = resampler.resample(tone)
        #expect(out.count == 16_000)
        var worst: Float = 0
        for i in 200..<15_800 {
            worst = max(worst, abs(out[i] - Float(Double.sinTurns(Double(i) * 440 / 16_000))))
        }
        #expect(worst < 2e-3, "max |diff| \(worst)")
    }

    @Test func downmixAveragesChannels() {
        let stereo = AudioBuffer(sampleRate: 8_000, channelCount: 2, samples: [1, 0, 0.5, -0.5, -1, -1])
        let mono = stereo.downmixedToMono()
        #expect(mono.channelCount == 1)
        #expect(mono.samples == [0.5, 0, -1])
        #expect(stereo.channel(1) == [0, -0.5, -1])
    }
}

extension Double {
    /// sin(2π·turns) without Foundation, accurate enough for test signals.
    fileprivate static func sinTurns(_ turns: Double) -> Double {
        var x = (turns - turns.rounded()) * 2 * .pi  // [-π, π]
        if x > .pi / 2 { x = .pi - x } else if x < -.pi / 2 { x = -.pi - x }
        let x2 = x * x
        var term = x
        var sum = x
        var n = 1.0
        for _ in 0..<10 {
            term *= -x2 / ((n + 1) * (n + 2))
            sum += term
            n += 2
        }
        return sum
    }
}
