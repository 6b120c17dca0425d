// SPDX-License-Identifier: Apache-2.0

/// A model's answer to a grouped task, with the sources it cited.
public struct GroundedAnswer: Sendable, Hashable {
    /// The answer's text, `[n]` markers included.
    public var text: String
    /// The ids of the sources the prompt numbered, in order (`[1]` is the first).
    public var sourceIDs: [String]
    /// The ids of the sources the answer cites, in order of first mention.
    public var citedSourceIDs: [String]
    /// Numbers the answer cites that name no source (reported, not trusted).
    public var unknownCitations: [Int]
    /// Why the model stopped.
    public var finishReason: FinishReason
    /// Token counts, if the provider sent them.
    public var usage: TokenUsage?
    /// The provider's request id, if any.
    public var requestID: String?

    /// Reads the citations of `response` to a prompt that numbered `sourceIDs`.
    public init(response: ChatResponse, sourceIDs: [String]) {
        let citations = Citations(parsing: response.text, sourceCount: sourceIDs.count)
        self.text = response.text
        self.sourceIDs = sourceIDs
        self.citedSourceIDs = citations.cited.map { sourceIDs[$0 - 1] }
        self.unknownCitations = citations.unknown
        self.finishReason = response.finishReason
        self.usage = response.usage
        self.requestID = response.requestID
    }
}

/// A model's answer to the single prompt of one source.
public struct SourceAnswer: Sendable, Hashable {
    /// The id of the source the prompt was filled from.
    public var sourceID: String
    /// The answer.
    public var response: ChatResponse

    /// Creates an answer.
    public init(sourceID: String, response: ChatResponse) {
        self.sourceID = sourceID
        self.response = response
    }
}
