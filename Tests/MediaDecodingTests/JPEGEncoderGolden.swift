// SPDX-License-Identifier: Apache-2.0

import MediaDecoding

/// A JPEG written by ``JPEGEncoder`` from a PNG fixture, its PSNR against the source as decoded by our
/// ``JPEGDecoder``, and the CRC-32 of the pixels Pillow 13.0.0 (libjpeg-turbo 3.2) decoded from that file.
///
/// Produced once (see Fixtures/README.md, "Encoder goldens"); Pillow's pixels equalled our decoder's in every
/// case. For comparison, Pillow's own encoder on the same sources and settings reached PSNRs within 0.03 dB
/// of these (for example 36.55 vs 36.52 dB for `png_rgb8_128x96.png` at quality 90, 4:2:0).
struct JPEGEncoderGolden: Sendable, CustomStringConvertible {
    var source: String
    var quality: Int
    var sampling: JPEGEncoder.ChromaSampling
    var optimized: Bool
    /// CRC-32 of the encoded file.
    var fileCRC: UInt32
    /// PSNR in dB of our decode against the source's RGB (or gray) pixels.
    var psnr: Double
    /// CRC-32 of Pillow's decoded pixel array (H x W x C, uint8).
    var pillowPixelCRC: UInt32

    var description: String { "\(source) q\(quality) \(sampling) \(optimized ? "optimised" : "standard")" }

    static let all: [JPEGEncoderGolden] = [
        JPEGEncoderGolden(
            source: "png_rgb8_128x96.png",
            quality: 90,
            sampling: .half,
            optimized: false,
            fileCRC: 0x8313_6992,
            psnr: 36.52,
            pillowPixelCRC: 0x6B28_6208
        ),
        JPEGEncoderGolden(
            source: "png_rgb8_128x96.png",
            quality: 90,
            sampling: .full,
            optimized: true,
            fileCRC: 0x5BFA_678D,
            psnr: 37.71,
            pillowPixelCRC: 0x410E_B15D
        ),
        JPEGEncoderGolden(
            source: "png_rgb8_128x96.png",
            quality: 75,
            sampling: .half,
            optimized: true,
            fileCRC: 0xF935_1858,
            psnr: 33.45,
            pillowPixelCRC: 0x7F35_980E
        ),
        JPEGEncoderGolden(
            source: "png_rgb8_128x96.png",
            quality: 50,
            sampling: .full,
            optimized: false,
            fileCRC: 0xEEA1_70ED,
            psnr: 31.96,
            pillowPixelCRC: 0x3BAE_4425
        ),
        JPEGEncoderGolden(
            source: "png_rgb8_128x96.png",
            quality: 20,
            sampling: .half,
            optimized: false,
            fileCRC: 0xD3BB_A649,
            psnr: 29.00,
            pillowPixelCRC: 0x142A_4B73
        ),
        JPEGEncoderGolden(
            source: "png_gray8_128x96.png",
            quality: 90,
            sampling: .half,
            optimized: false,
            fileCRC: 0x6CFC_295B,
            psnr: 39.88,
            pillowPixelCRC: 0x4A99_8E3C
        ),
        JPEGEncoderGolden(
            source: "png_gray8_128x96.png",
            quality: 90,
            sampling: .full,
            optimized: true,
            fileCRC: 0xD78D_F5D9,
            psnr: 39.88,
            pillowPixelCRC: 0x4A99_8E3C
        ),
        JPEGEncoderGolden(
            source: "png_gray8_128x96.png",
            quality: 75,
            sampling: .half,
            optimized: true,
            fileCRC: 0x69C7_BC56,
            psnr: 35.64,
            pillowPixelCRC: 0x92D2_16E8
        ),
        JPEGEncoderGolden(
            source: "png_gray8_128x96.png",
            quality: 50,
            sampling: .full,
            optimized: false,
            fileCRC: 0x6372_D0F0,
            psnr: 33.35,
            pillowPixelCRC: 0xB184_0108
        ),
        JPEGEncoderGolden(
            source: "png_gray8_128x96.png",
            quality: 20,
            sampling: .half,
            optimized: false,
            fileCRC: 0x4186_7BFA,
            psnr: 30.62,
            pillowPixelCRC: 0x6144_5946
        ),
        JPEGEncoderGolden(
            source: "png_rgba8_96x64.png",
            quality: 90,
            sampling: .half,
            optimized: false,
            fileCRC: 0xF550_AA0B,
            psnr: 36.41,
            pillowPixelCRC: 0x04D5_D631
        ),
        JPEGEncoderGolden(
            source: "png_rgba8_96x64.png",
            quality: 90,
            sampling: .full,
            optimized: true,
            fileCRC: 0x4F91_B2D2,
            psnr: 37.16,
            pillowPixelCRC: 0xC4A2_FA19
        ),
        JPEGEncoderGolden(
            source: "png_rgba8_96x64.png",
            quality: 75,
            sampling: .half,
            optimized: true,
            fileCRC: 0xD2A7_7244,
            psnr: 32.92,
            pillowPixelCRC: 0x22EF_F5B8
        ),
        JPEGEncoderGolden(
            source: "png_rgba8_96x64.png",
            quality: 50,
            sampling: .full,
            optimized: false,
            fileCRC: 0x5765_2255,
            psnr: 31.44,
            pillowPixelCRC: 0xFF1A_E15E
        ),
        JPEGEncoderGolden(
            source: "png_rgba8_96x64.png",
            quality: 20,
            sampling: .half,
            optimized: false,
            fileCRC: 0xE58E_9084,
            psnr: 28.67,
            pillowPixelCRC: 0x689A_8558
        ),
        JPEGEncoderGolden(
            source: "png_rgb8_adam7_37x29.png",
            quality: 90,
            sampling: .half,
            optimized: false,
            fileCRC: 0x94E4_AC1E,
            psnr: 39.43,
            pillowPixelCRC: 0x3742_83FA
        ),
        JPEGEncoderGolden(
            source: "png_rgb8_adam7_37x29.png",
            quality: 90,
            sampling: .full,
            optimized: true,
            fileCRC: 0x1E9B_D51F,
            psnr: 40.86,
            pillowPixelCRC: 0xE546_A960
        ),
        JPEGEncoderGolden(
            source: "png_rgb8_adam7_37x29.png",
            quality: 75,
            sampling: .half,
            optimized: true,
            fileCRC: 0x1C61_F8E9,
            psnr: 36.63,
            pillowPixelCRC: 0xFD93_AEAD
        ),
        JPEGEncoderGolden(
            source: "png_rgb8_adam7_37x29.png",
            quality: 50,
            sampling: .full,
            optimized: false,
            fileCRC: 0x45DE_4B61,
            psnr: 34.68,
            pillowPixelCRC: 0xB658_66C3
        ),
        JPEGEncoderGolden(
            source: "png_rgb8_adam7_37x29.png",
            quality: 20,
            sampling: .half,
            optimized: false,
            fileCRC: 0x22F7_65C8,
            psnr: 31.31,
            pillowPixelCRC: 0x9CF1_D354
        ),
    ]
}
