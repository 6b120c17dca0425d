// SPDX-License-Identifier: Apache-2.0

import MediaDecoding
import Testing
import _RAGTestSupport

/// The feature goldens of `audio/manifest.json` (`features`): clip `speech_cat_22k_mono_s16.wav`.
enum AudioGoldens {
    static func catClip() throws -> AudioBuffer {
        try MediaDecoder().decodeAudio(MediaFixtures.bytes("audio/speech_cat_22k_mono_s16.wav"))
    }

    static func array(_ name: String) throws -> NPYArray {
        try NPYArray(contentsOf: MediaFixtures.url("audio/" + name))
    }

    /// The torchaudio-resampled 16 kHz clip, the input of every feature golden.
    static func resampled16k() throws -> [Float] {
        try array("feat_cat_16k_torchaudio.npy").floats
    }

    static func maxAbsDifference(_ a: some Collection<Float>, _ b: [Float]) -> Double {
        guard a.count == b.count else { return .infinity }
        var worst = 0.0
        for (x, y) in zip(a, b) { worst = max(worst, abs(Double(x) - Double(y))) }
        return worst
    }
}
