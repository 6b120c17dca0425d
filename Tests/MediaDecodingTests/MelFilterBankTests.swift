// SPDX-License-Identifier: Apache-2.0

import MediaDecoding
import Testing
import _RAGTestSupport

@Suite struct MelFilterBankTests {
    @Test func slaneyMatchesWhisperFilters() throws {
        let expected = try AudioGoldens.array("whisper_mel_filters_201x80.npy")
        #expect(expected.shape == [201, 80])
        let bank = MelFilterBank.slaney(melCount: 80, fftSize: 400, sampleRate: 16_000)
        let reference = expected.floats
        var worst = 0.0
        for k in 0..<201 {
            for m in 0..<80 {
                worst = max(worst, abs(bank.weights[m * 201 + k] - Double(reference[k * 80 + m])))
            }
        }
        #expect(worst <= 1e-7, "max |diff| \(worst)")
        print("\(#function) max |diff| \(worst) (tolerance 1e-7)")
    }

    @Test func kaldiMatchesTorchaudioBanks() throws {
        let expected = try AudioGoldens.array("kaldi_mel_banks_128x257.npy")
        #expect(expected.shape == [128, 257])
        let bank = MelFilterBank.kaldi(melCount: 128, fftSize: 512, sampleRate: 16_000)
        let error = AudioGoldens.maxAbsDifference(bank.weights.map(Float.init), expected.floats)
        #expect(error <= 1e-5, "max |diff| \(error)")
        print("\(#function) max |diff| \(error) (tolerance 1e-5)")
        #expect(bank.weights[256] == 0)
    }
}
