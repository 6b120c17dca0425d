// SPDX-License-Identifier: Apache-2.0

/// Answers from retrieved sources with a ``ChatModel``: packs them into a prompt (``GroundedPrompt``), generates
/// or streams, and reports which sources the answer cites.
///
/// ```swift
/// let generator = GroundedGenerator(model: OpenAIChatModel(model: "gpt-4o"))
/// let answer = try await generator.answer(task: "What do these posters have in common?", sources: sources)
/// print(answer.text, answer.citedSourceIDs)
/// ```
public struct GroundedGenerator: Sendable {
    /// The model that answers.
    public var model: any ChatModel
    /// How sources become requests.
    public var prompt: GroundedPrompt

    /// Creates a generator.
    public init(model: any ChatModel, prompt: GroundedPrompt = GroundedPrompt()) {
        self.model = model
        self.prompt = prompt
    }

    /// One answer over all sources (grouped task), with the ids of the sources it cites.
    /// - Throws: What the model throws.
    public func answer(task: String, sources: [GroundingSource]) async throws -> GroundedAnswer {
        let response = try await model.complete(prompt.groupedRequest(task: task, sources: sources))
        return GroundedAnswer(response: response, sourceIDs: sources.map(\.id))
    }

    /// The grouped task's answer as a stream; read the citations of the collected text with
    /// ``Citations/init(parsing:sourceCount:)`` (or ``GroundedAnswer/init(response:sourceIDs:)``).
    public func stream(task: String, sources: [GroundingSource]) -> AsyncThrowingStream<GenerationEvent, any Error> {
        model.stream(prompt.groupedRequest(task: task, sources: sources))
    }

    /// One answer per source (single prompt), in source order, asked one after another.
    /// - Throws: What the model throws; answers already received are lost.
    public func answerEach(_ template: PromptTemplate, sources: [GroundingSource]) async throws -> [SourceAnswer] {
        var answers: [SourceAnswer] = []
        for source in sources {
            let response = try await model.complete(prompt.singleRequest(template, source: source))
            answers.append(SourceAnswer(sourceID: source.id, response: response))
        }
        return answers
    }
}
