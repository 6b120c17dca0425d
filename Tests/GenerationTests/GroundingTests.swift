// SPDX-License-Identifier: Apache-2.0

import Foundation
import Generation
import Testing
import _RAGInternals

/// A chat model that answers from a script and records the requests it was given.
final class ScriptedChatModel: ChatModel {
    private let state: Locked<(answers: [String], requests: [ChatRequest])>

    init(_ answers: [String]) { state = Locked((answers, [])) }

    var requests: [ChatRequest] { state.withLock { $0.requests } }

    func complete(_ request: ChatRequest) async throws -> ChatResponse {
        let text = state.withLock { state -> String in
            state.requests.append(request)
            return state.answers.isEmpty ? "" : state.answers.removeFirst()
        }
        return ChatResponse(text: text, finishReason: .stop, usage: TokenUsage(inputTokens: 10, outputTokens: 5))
    }

    func stream(_ request: ChatRequest) -> AsyncThrowingStream<GenerationEvent, any Error> {
        let answer = state.withLock { state -> String in
            state.requests.append(request)
            return state.answers.isEmpty ? "" : state.answers.removeFirst()
        }
        return AsyncThrowingStream { continuation in
            for word in answer.split(separator: " ", omittingEmptySubsequences: false).enumerated() {
                continuation.yield(.text(word.offset == 0 ? String(word.element) : " " + word.element))
            }
            continuation.yield(.finish(.stop))
            continuation.finish()
        }
    }
}

@Suite struct PromptTemplateTests {
    @Test func placeholdersAreFilledAndBracesEscaped() {
        let template = PromptTemplate("Title: {title}. {{literal}} {missing}|{not a name}|{}|{a.b}")
        #expect(
            template.render(["title": "Harbour", "a.b": "dotted"])
                == "Title: Harbour. {literal} |{not a name}|{}|dotted"
        )
        #expect(template.placeholders == ["title", "missing", "a.b"])
        #expect(PromptTemplate("{x}{x}}").render(["x": "1"]) == "11}")
    }
}

@Suite struct CitationsTests {
    @Test(arguments: [
        ("Cats [1] and dogs [3].", 3, [1, 3], [Int]()),
        ("See [2, 1] and [2][4].", 3, [2, 1], [4]),
        ("Range [1-3], again [3].", 3, [1, 2, 3], []),
        ("Not markers: [a], [1a], [ ], [-2], a[1", 3, [], []),
        ("Zero [0] is no source; [7] neither.", 2, [], [0, 7]),
        ("Nested [[2]] counts once [2].", 2, [2], []),
    ])
    func markersAreReadAndCheckedAgainstTheSources(text: String, count: Int, cited: [Int], unknown: [Int]) {
        let citations = Citations(parsing: text, sourceCount: count)
        #expect(citations.cited == cited)
        #expect(citations.unknown == unknown)
    }
}

@Suite struct GroundedPromptTests {
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + [UInt8](repeating: 7, count: 96)
    static let sources = [
        GroundingSource(
            id: "poster-1",
            properties: ["title": "Harbour at night", "year": "1921"],
            images: [ChatImage(data: jpeg, mediaType: "image/jpeg"), ChatImage(data: jpeg, mediaType: "image/jpeg")]
        ),
        GroundingSource(id: "poster-2", properties: ["title": "Alpine railway"]),
        GroundingSource(
            id: "poster-3",
            properties: ["title": "Lighthouse", "year": "1934"],
            images: [ChatImage(url: URL(string: "https://example.com/l.png")!)]
        ),
    ]

    @Test func groupedRequestNumbersSourcesAndAttachesImagesWithinBudget() {
        let layout = GroundedPrompt(sourceTemplate: "{title} ({year})", maxImages: 2, maxImageBytes: 150)
        let request = layout.groupedRequest(task: "What do these posters share?", sources: Self.sources)
        #expect(request.system == GroundedPrompt.defaultSystem)
        #expect(request.messages.count == 1)
        let parts = request.messages[0].content
        let expectedText = """
            Sources:
            [1] Harbour at night (1921)
            [2] Alpine railway ()
            [3] Lighthouse (1934)

            Task: What do these posters share?
            """
        #expect(
            parts == [
                .text(expectedText), .text("Image from source [1]:"), .image(Self.sources[0].images[0]),
                // The second JPEG of source 1 would pass the byte budget (100 + 100 > 150): skipped.
                .text("Image from source [3]:"), .image(Self.sources[2].images[0]),
            ]
        )
    }

    @Test func everyPropertyIsWrittenWhenNoTemplateIsGiven() {
        let request = GroundedPrompt(maxImages: 0).groupedRequest(task: "T", sources: [Self.sources[0]])
        #expect(request.messages[0].content == [.text("Sources:\n[1] title: Harbour at night\nyear: 1921\n\nTask: T")])
    }

    @Test func singleRequestFillsTheTemplateFromOneSource() {
        let layout = GroundedPrompt(maxImages: 1, options: ChatOptions(maxTokens: 40))
        let request = layout.singleRequest("Describe {title} from {year}.", source: Self.sources[0])
        #expect(request.system == nil)
        #expect(request.options.maxTokens == 40)
        #expect(
            request.messages[0].content == [
                .text("Describe Harbour at night from 1921."), .image(Self.sources[0].images[0]),
            ]
        )
    }

    @Test func theGeneratorReportsCitedAndUnknownSources() async throws {
        let model = ScriptedChatModel(["Both are travel posters [1][3], unlike [5]."])
        let generator = GroundedGenerator(model: model, prompt: GroundedPrompt(sourceTemplate: "{title}"))
        let answer = try await generator.answer(task: "Compare", sources: Self.sources)
        #expect(answer.sourceIDs == ["poster-1", "poster-2", "poster-3"])
        #expect(answer.citedSourceIDs == ["poster-1", "poster-3"])
        #expect(answer.unknownCitations == [5])
        #expect(answer.usage == TokenUsage(inputTokens: 10, outputTokens: 5))
        #expect(
            model.requests.first
                == GroundedPrompt(sourceTemplate: "{title}").groupedRequest(task: "Compare", sources: Self.sources)
        )

        let streamed = ScriptedChatModel(["The railway [2]."])
        let response = try await streamed.collect(
            GroundedGenerator(model: streamed).stream(task: "Which one shows a train?", sources: Self.sources)
        )
        #expect(GroundedAnswer(response: response, sourceIDs: Self.sources.map(\.id)).citedSourceIDs == ["poster-2"])
    }

    @Test func answerEachAsksOncePerSource() async throws {
        let model = ScriptedChatModel(["one", "two", "three"])
        let answers = try await GroundedGenerator(model: model).answerEach("Title: {title}", sources: Self.sources)
        #expect(answers.map(\.sourceID) == ["poster-1", "poster-2", "poster-3"])
        #expect(answers.map(\.response.text) == ["one", "two", "three"])
        #expect(
            model.requests.map { $0.messages[0].text } == [
                "Title: Harbour at night", "Title: Alpine railway", "Title: Lighthouse",
            ]
        )
    }
}
