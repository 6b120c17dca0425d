// SPDX-License-Identifier: Apache-2.0

/// A PNG encoded by ``PNGEncoder`` from a fixture, and what Pillow decoded it to (see `PNGEncoderTests`).
struct PNGPillowGolden: Sendable, CustomStringConvertible {
    var file: String
    var fileCRC: UInt32
    var pillowPixelCRC: UInt32
    var description: String { file }

    /// Every 8-bit PNG fixture and the 16-bit gray ones (Pillow reduces 16-bit colour to 8 bits, so the 16-bit
    /// RGB, RGBA and gray + alpha files are only checked by our own round trip).
    static let all: [PNGPillowGolden] = [
        PNGPillowGolden(file: "png_ga8_96x64.png", fileCRC: 0x0F14_7E6F, pillowPixelCRC: 0x4632_2DDB),
        PNGPillowGolden(file: "png_gray16_96x64.png", fileCRC: 0x2C6A_026C, pillowPixelCRC: 0xCB76_0226),
        PNGPillowGolden(file: "png_gray16_adam7_33x21.png", fileCRC: 0x58B8_1809, pillowPixelCRC: 0x3D07_BA72),
        PNGPillowGolden(file: "png_gray1_61x47.png", fileCRC: 0xAA8D_42E2, pillowPixelCRC: 0x3B7C_5687),
        PNGPillowGolden(file: "png_gray2_61x47.png", fileCRC: 0x54F7_C79C, pillowPixelCRC: 0x70B4_8AA5),
        PNGPillowGolden(file: "png_gray4_61x47.png", fileCRC: 0xE341_55BE, pillowPixelCRC: 0x82F4_9141),
        PNGPillowGolden(file: "png_gray8_128x96.png", fileCRC: 0xBCB4_DD3A, pillowPixelCRC: 0xDF0C_F01E),
        PNGPillowGolden(file: "png_pal1_61x47.png", fileCRC: 0x13CD_68D5, pillowPixelCRC: 0x4629_3E2F),
        PNGPillowGolden(file: "png_pal2_61x47.png", fileCRC: 0x821C_B89A, pillowPixelCRC: 0x146C_2532),
        PNGPillowGolden(file: "png_pal4_61x47.png", fileCRC: 0x386F_CA07, pillowPixelCRC: 0x58AB_C367),
        PNGPillowGolden(file: "png_pal4_adam7_35x27.png", fileCRC: 0xA4DE_05AF, pillowPixelCRC: 0x29E6_4589),
        PNGPillowGolden(file: "png_pal8_128x96.png", fileCRC: 0xD655_D96E, pillowPixelCRC: 0xBB09_D85F),
        PNGPillowGolden(file: "png_pal8_trns_128x96.png", fileCRC: 0x978D_55E4, pillowPixelCRC: 0xB702_99E2),
        PNGPillowGolden(file: "png_rgb8_128x96.png", fileCRC: 0x2417_F734, pillowPixelCRC: 0xB857_B02D),
        PNGPillowGolden(file: "png_rgb8_adam7_37x29.png", fileCRC: 0x37C1_76BA, pillowPixelCRC: 0x1240_254D),
        PNGPillowGolden(file: "png_rgb8_ancillary_96x64.png", fileCRC: 0x2573_26ED, pillowPixelCRC: 0x4256_C914),
        PNGPillowGolden(file: "png_rgb8_multi_idat_128x96.png", fileCRC: 0x829B_2D8D, pillowPixelCRC: 0x42C0_AEFC),
        PNGPillowGolden(file: "png_rgb8_trns_key_96x64.png", fileCRC: 0x4EDE_46E9, pillowPixelCRC: 0x61BD_DBAB),
        PNGPillowGolden(file: "png_rgba8_96x64.png", fileCRC: 0x3742_FF56, pillowPixelCRC: 0xF853_8F43),
    ]
}
