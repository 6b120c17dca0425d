// SPDX-License-Identifier: Apache-2.0

import MediaDecoding
import Testing
import _RAGTestSupport

/// Round trips through ``FLACTestEncoder``: subframe types, stereo modes and bit depths the fixture files
/// (made by flac 1.4.2 at its presets) do not reach.
@Suite struct FLACSyntheticTests {
    typealias Frame = FLACTestEncoder.Frame

    /// A smooth signal plus seeded noise, within `bits` bits, multiplied by 2^`wasted`.
    static func signal(_ count: Int, bits: Int, seed: UInt64, wasted: Int = 0) -> [Int64] {
        var generator = SeededGenerator(seed: seed)
        let amplitude = Double((Int64(1) << Int64(bits - 1 - wasted)) - 1)
        return (0..<count).map { i in
            let smooth = 0.6 * amplitude * ((Double(i) * 0.05).squareRoot().truncatingRemainder(dividingBy: 1) * 2 - 1)
            let noise = Double.random(in: -0.3...0.3, using: &generator) * amplitude
            let v = Int64((smooth + noise).rounded()).clamped(-Int64(amplitude), Int64(amplitude))
            return v << Int64(wasted)
        }
    }

    static func expectDecodes(
        _ channels: [[Int64]],
        bits: Int,
        _ bytes: [UInt8],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let audio = try FLACDecoder().decode(bytes, limits: .default)
        try #require(audio.channelCount == channels.count, sourceLocation: sourceLocation)
        try #require(audio.frameCount == channels[0].count, sourceLocation: sourceLocation)
        let scale = Double(Int64(1) << Int64(bits - 1))
        var mismatches = 0
        for f in 0..<audio.frameCount {
            for c in channels.indices
            where audio.samples[f * channels.count + c] != Float(Double(channels[c][f]) / scale) {
                mismatches += 1
            }
        }
        #expect(mismatches == 0, "\(mismatches) samples differ", sourceLocation: sourceLocation)
    }

    @Test func eightBitConstantAndVerbatim() throws {
        let constant = [Int64](repeating: -77, count: 300)
        let samples = constant + Self.signal(200, bits: 8, seed: 1)
        let encoder = FLACTestEncoder(bitsPerSample: 8)
        let bytes = encoder.encode(
            [samples],
            frames: [
                Frame(blockSize: 300, subframes: [.constant]), Frame(blockSize: 200, subframes: [.verbatim]),
            ]
        )
        try Self.expectDecodes([samples], bits: 8, bytes)
    }

    @Test(arguments: 0...4)
    func fixedPredictorsWithPartitions(_ order: Int) throws {
        let samples = Self.signal(1024, bits: 16, seed: UInt64(order))
        let bytes = FLACTestEncoder(bitsPerSample: 16).encode(
            [samples],
            frames: [
                Frame(blockSize: 512, subframes: [.fixed(order: order, parameter: 12, partitionOrder: 3)]),
                Frame(blockSize: 512, subframes: [.fixed(order: order, parameter: 20, partitionOrder: 0)]),
            ]
        )
        try Self.expectDecodes([samples], bits: 16, bytes)
    }

    @Test func escapedPartitionsAndZeroBitEscape() throws {
        let samples = Self.signal(256, bits: 12, seed: 9)
        let silence = [Int64](repeating: 5, count: 64)
        let bytes = FLACTestEncoder(bitsPerSample: 12).encode(
            [samples + silence],
            frames: [
                Frame(blockSize: 256, subframes: [.fixed(order: 1, parameter: 0, escapeBits: 14, partitionOrder: 2)]),
                // A constant signal has an all-zero order-1 residual: 0 raw bits per sample.
                Frame(blockSize: 64, subframes: [.fixed(order: 1, parameter: 0, escapeBits: 0)]),
            ]
        )
        try Self.expectDecodes([samples + silence], bits: 12, bytes)
    }

    @Test func lpcOfHighOrderAndPrecision() throws {
        let samples = Self.signal(4096, bits: 24, seed: 3)
        let coefficients: [Int64] = (0..<32).map { j in Int64(((j * 37) % 61) - 30) * (j < 4 ? 400 : 3) }
        let bytes = FLACTestEncoder(bitsPerSample: 24).encode(
            [samples],
            frames: [
                Frame(
                    blockSize: 4096,
                    subframes: [
                        .lpc(coefficients: coefficients, precision: 15, shift: 15, parameter: 22, partitionOrder: 4)
                    ]
                )
            ]
        )
        try Self.expectDecodes([samples], bits: 24, bytes)
    }

    @Test(arguments: [FLACTestEncoder.Stereo.independent, .leftSide, .rightSide, .midSide])
    func stereoDecorrelationAt32Bits(_ stereo: FLACTestEncoder.Stereo) throws {
        // Full-scale 32-bit values make the side channel 33 bits wide.
        var left = Self.signal(600, bits: 32, seed: 5)
        var right = Self.signal(600, bits: 32, seed: 6).map { -$0 }
        left[0] = Int64(Int32.max)
        right[0] = Int64(Int32.min)
        left[1] = Int64(Int32.min)
        right[1] = Int64(Int32.max)
        let bytes = FLACTestEncoder(bitsPerSample: 32).encode(
            [left, right],
            frames: [
                Frame(blockSize: 300, stereo: stereo, subframes: [.verbatim, .verbatim]),
                Frame(
                    blockSize: 300,
                    stereo: stereo,
                    subframes: [.fixed(order: 2, parameter: 30), .fixed(order: 1, parameter: 30)]
                ),
            ]
        )
        try Self.expectDecodes([left, right], bits: 32, bytes)
    }

    @Test func wastedBitsAndOddDepths() throws {
        let a = Self.signal(700, bits: 20, seed: 11, wasted: 3)
        let b = Self.signal(700, bits: 20, seed: 12, wasted: 1)
        let bytes = FLACTestEncoder(bitsPerSample: 20).encode(
            [a, b],
            frames: [
                Frame(
                    blockSize: 700,
                    stereo: .midSide,
                    subframes: [.fixed(order: 2, parameter: 16), .verbatim],
                    wasted: [0, 1]
                )
            ]
        )
        try Self.expectDecodes([a, b], bits: 20, bytes)
        // 5 bits per sample has no frame-header code: the header defers to STREAMINFO.
        let c = Self.signal(100, bits: 5, seed: 13, wasted: 2)
        let five = FLACTestEncoder(bitsPerSample: 5).encode(
            [c],
            frames: [
                Frame(blockSize: 100, subframes: [.verbatim], wasted: [2])
            ]
        )
        try Self.expectDecodes([c], bits: 5, five)
    }

    @Test func variableBlockSizesWithLongSampleNumbers() throws {
        let sizes = [4608, 17, 1, 65535, 1000]
        let samples = Self.signal(sizes.reduce(0, +), bits: 16, seed: 21)
        var encoder = FLACTestEncoder(bitsPerSample: 16)
        encoder.variableBlockSize = true
        let frames = sizes.map {
            Frame(blockSize: $0, subframes: [$0 >= 4 ? .fixed(order: 3, parameter: 14) : .verbatim])
        }
        try Self.expectDecodes([samples], bits: 16, encoder.encode([samples], frames: frames))
    }

    @Test func constantFramesCannotExpandPastTheLimits() {
        // 200 CONSTANT frames of 65535 samples: about 2 KB that expands to 13 M samples.
        let frames = (0..<200).map { _ in Frame(blockSize: 65_535, subframes: [.constant]) }
        let samples = [Int64](repeating: 1, count: 65_535 * 200)
        let bytes = FLACTestEncoder(bitsPerSample: 16).encode([samples], frames: frames)
        #expect(bytes.count < 4_000)
        do {
            _ = try FLACDecoder().decode(bytes, limits: DecodingLimits(maxFrames: 1_000_000))
            Issue.record("limit not enforced")
        } catch {
            #expect(error.code == .limitExceeded)
        }
    }

    /// Random frame bodies behind valid CRCs reach every parsing path with garbage: the decoder must throw or
    /// return, never trap or hang.
    @Test func garbageWithValidChecksumsNeverTraps() {
        let encoder = FLACTestEncoder(bitsPerSample: 24)
        let samples = Self.signal(2_048, bits: 24, seed: 77)
        let clean = encoder.encode(
            [samples, samples],
            frames: [
                Frame(blockSize: 2_048, stereo: .midSide, subframes: [.fixed(order: 2, parameter: 18), .verbatim])
            ]
        )
        // marker + STREAMINFO (42), then an 8-byte frame header: sync 2, codes 2, number 1, block size 2, CRC-8 1.
        let bodyStart = 42 + 8
        var generator = SeededGenerator(seed: 99)
        var decoded = 0
        for round in 0..<400 {
            var bytes = clean
            let length = [4, 16, 64, 400, bytes.count - bodyStart - 2][round % 5]
            for i in bodyStart..<(bodyStart + length) { bytes[i] = UInt8.random(in: 0...255, using: &generator) }
            let crc = encoder.crc16(Array(bytes[42..<(bytes.count - 2)]))
            bytes[bytes.count - 2] = UInt8(crc >> 8)
            bytes[bytes.count - 1] = UInt8(crc & 0xFF)
            if (try? FLACDecoder().decode(bytes, limits: .default)) != nil { decoded += 1 }
        }
        #expect(decoded < 400)
    }

    @Test func headerAndBodyCorruptionAreChecksumErrors() throws {
        let samples = Self.signal(400, bits: 16, seed: 2)
        let bytes = FLACTestEncoder(bitsPerSample: 16).encode(
            [samples],
            frames: [
                Frame(blockSize: 400, subframes: [.fixed(order: 2, parameter: 13)])
            ]
        )
        let frameStart = 42
        for (index, name) in [(frameStart + 5, "header"), (bytes.count - 40, "body")] {
            var broken = bytes
            broken[index] ^= 0x10
            do {
                _ = try FLACDecoder().decode(broken, limits: .default)
                Issue.record("\(name) corruption decoded")
            } catch {
                #expect(error.code == .checksumMismatch, "\(name): \(error)")
            }
        }
    }
}

extension Comparable {
    fileprivate func clamped(_ low: Self, _ high: Self) -> Self { min(max(self, low), high) }
}
