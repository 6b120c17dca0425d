// SPDX-License-Identifier: Apache-2.0

import Foundation
import Generation
import MediaDecoding
import Testing
import _RAGHTTP

/// The seed's flow, end to end on scripted providers: a retrieved image is described by a vision chat model, the
/// description becomes the prompt of an image model, and the new image is saved as PNG.
@Suite struct RetrievedImageToNewImageTests {
    @Test func describeThenReimagineThenSave() async throws {
        // The "retrieved" image: a 4 × 4 checkerboard, as the best hit of a text query would hand it over.
        var samples: [UInt8] = []
        for y in 0..<4 {
            for x in 0..<4 { samples += (x + y) % 2 == 0 ? [250, 250, 250] : [10, 10, 10] }
        }
        let retrieved = Image(width: 4, height: 4, format: .rgb, samples: .uint8(samples))
        let best = GroundingSource(id: "img-7", properties: ["title": "tiles"], images: [ChatImage(retrieved)])

        // A vision model (Anthropic's wire format) describes it.
        let description = "A black and white checkerboard of sixteen square tiles."
        let vision = ScriptedStreamTransport([
            .body(
                Array(
                    #"{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"text","text":"\#(description)"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":30,"output_tokens":12}}"#
                        .utf8
                )
            )
        ])
        let describer = AnthropicChatModel(model: "claude-sonnet-4-5", apiKey: "k", transport: vision)
        let layout = GroundedPrompt(maxImages: 1)
        let caption = try await describer.complete(layout.singleRequest("Describe this {title} image.", source: best))
        #expect(caption.text == description)
        let sentImage = try body(vision.requests.first)["messages"][0]["content"][1]["source"]
        #expect(sentImage["media_type"] == "image/png")
        let sentBase64 = try #require(sentImage["data"].string)
        let sentBytes = [UInt8](try #require(Data(base64Encoded: sentBase64)))
        #expect(try MediaDecoder().decodeImage(sentBytes) == retrieved)

        // An image model draws a new picture from the description.
        let drawn = Image(width: 2, height: 1, format: .rgb, samples: .uint8([255, 0, 0, 0, 0, 255]))
        let answer =
            #"{"created":1,"data":[{"b64_json":"\#(Data(PNGEncoder().encode(drawn)).base64EncodedString())","revised_prompt":"\#(description) Watercolor."}]}"#
        let painterTransport = ScriptedStreamTransport([.body(Array(answer.utf8))])
        let painter = OpenAIImageGenerator(model: "dall-e-3", apiKey: "k", transport: painterTransport)
        let images = try await painter.generate(ImageGenerationRequest(prompt: caption.text, style: .natural))
        #expect(try body(painterTransport.requests.first)["prompt"].string == description)

        // Saved as PNG and read back.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("reimagined-\(UUID().uuidString).png")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(PNGEncoder().encode(images[0].image)).write(to: file)
        #expect(try MediaDecoder().decodeImage([UInt8](Data(contentsOf: file))) == drawn)
        #expect(images[0].revisedPrompt == "\(description) Watercolor.")
    }
}
