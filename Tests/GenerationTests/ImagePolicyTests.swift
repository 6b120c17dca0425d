// SPDX-License-Identifier: Apache-2.0

import Foundation
import Generation
import MediaDecoding
import Testing
import _RAGHTTP
import _RAGTestSupport

/// How chat clients prepare image parts: true media types, re-encoding, downscaling to a side or byte budget.
@Suite struct ImagePolicyTests {
    /// A deterministic 40 × 30 RGB gradient.
    static let gradient: Image = {
        var samples: [UInt8] = []
        for y in 0..<30 {
            for x in 0..<40 { samples += [UInt8(x * 6), UInt8(y * 8), UInt8((x + y) * 3)] }
        }
        return Image(width: 40, height: 30, format: .rgb, samples: .uint8(samples))
    }()

    /// The image part the Anthropic client sends for `image`.
    func anthropicImage(_ image: ChatImage, policy: ImagePolicy) throws -> (mediaType: String, bytes: [UInt8]) {
        let client = AnthropicChatModel(model: "m", apiKey: "k", imagePolicy: policy)
        let body = try client.body(ChatRequest(messages: [.user([.image(image)])]), stream: false)
        let source = body["messages"][0]["content"][0]["source"]
        let text = try #require(source["data"].string)
        let bytes = [UInt8](try #require(Data(base64Encoded: text)))
        return (try #require(source["media_type"].string), bytes)
    }

    @Test func theBytesDecideTheMediaType() throws {
        let png = PNGEncoder().encode(Self.gradient)
        let sent = try anthropicImage(ChatImage(data: png, mediaType: "image/jpeg"), policy: ImagePolicy())
        #expect(sent.mediaType == "image/png")
        #expect(sent.bytes == png)  // accepted and within budget: sent as given
        #expect(ChatImage.sniffMediaType(Array("RIFF\0\0\0\0WEBPVP8 ".utf8)) == "image/webp")
        #expect(ChatImage.sniffMediaType(Array("GIF89a".utf8)) == "image/gif")
        #expect(ChatImage.sniffMediaType([1, 2, 3]) == nil)
    }

    @Test func aFormatTheProviderRejectsIsReencoded() throws {
        // A 24-bit BMP (bottom-up rows, padded to 4 bytes) of the gradient: Anthropic takes no BMP.
        var bmp: [UInt8] = []
        let rowBytes = (40 * 3 + 3) / 4 * 4
        func le32(_ v: Int) -> [UInt8] {
            [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)]
        }
        bmp += Array("BM".utf8) + le32(54 + rowBytes * 30) + le32(0) + le32(54)
        bmp += le32(40) + le32(40) + le32(30) + [1, 0, 24, 0] + le32(0) + le32(rowBytes * 30) + le32(2835) + le32(2835)
        bmp += le32(0) + le32(0)
        let pixels = Self.gradient.uint8Samples!
        for y in (0..<30).reversed() {
            var row: [UInt8] = []
            for x in 0..<40 {
                let i = (y * 40 + x) * 3
                row += [pixels[i + 2], pixels[i + 1], pixels[i]]
            }
            bmp += row + [UInt8](repeating: 0, count: rowBytes - row.count)
        }
        #expect(try MediaDecoder().decodeImage(bmp) == Self.gradient)
        let sent = try anthropicImage(
            ChatImage(data: bmp, mediaType: "image/bmp"),
            policy: ImagePolicy(jpegQuality: 90)
        )
        #expect(sent.mediaType == "image/jpeg")
        #expect(sent.bytes == JPEGEncoder(quality: 90).encode(Self.gradient))
    }

    @Test func imagesOverTheSideBudgetAreScaledDownWithPillowResize() throws {
        let png = PNGEncoder().encode(Self.gradient)
        let sent = try anthropicImage(ChatImage(data: png, mediaType: "image/png"), policy: ImagePolicy(maxSide: 20))
        #expect(sent.mediaType == "image/png")
        let decoded = try MediaDecoder().decodeImage(sent.bytes)
        #expect(decoded == Self.gradient.resized(width: 20, height: 15))
    }

    @Test func imagesOverTheByteBudgetShrinkUntilTheyFit() throws {
        // Noise does not compress: a 40 × 30 PNG of it is about 3.6 kB, so only a smaller side fits 2 kB.
        var random = SeededGenerator(seed: 13)
        let noise = Image(
            width: 40,
            height: 30,
            format: .rgb,
            samples: .uint8((0..<3600).map { _ in UInt8(truncatingIfNeeded: random.next()) })
        )
        let png = PNGEncoder().encode(noise)
        #expect(png.count > 3600)
        let budget = 2000
        let sent = try anthropicImage(
            ChatImage(data: png, mediaType: "image/png"),
            policy: ImagePolicy(maxBytes: budget)
        )
        #expect(sent.bytes.count <= budget)
        let decoded = try MediaDecoder().decodeImage(sent.bytes)
        #expect(decoded.width < 40)
        #expect(abs(Double(decoded.width) / Double(decoded.height) - 4.0 / 3.0) < 0.1)
    }

    @Test func undecodableBytesThatNeedWorkAreInvalidImages() {
        let error = #expect(throws: GenerationError.self) {
            try anthropicImage(ChatImage(data: [1, 2, 3, 4], mediaType: "image/tiff"), policy: ImagePolicy())
        }
        #expect(error?.code == .invalidImage)
    }
}
