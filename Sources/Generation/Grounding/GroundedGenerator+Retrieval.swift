// SPDX-License-Identifier: Apache-2.0

public import Retrieval

extension GroundedGenerator {
    /// Retrieves with `query` from `collection`, then answers one grouped task over the results.
    ///
    /// ```swift
    /// var query = NearQuery(target: .init(vector: "clip", .text("harbour at night")))
    /// query.limit = 5
    /// let answer = try await generator.answer(
    ///     task: "What do these posters have in common?", query: query, in: posters, imageProperties: ["poster"]
    /// )
    /// ```
    ///
    /// The blobs named in `imageProperties` are fetched with the results (added to the query's `includeBlobs`)
    /// and attached as images within the prompt's budget. The answer's source ids are the objects' UUID strings.
    /// - Parameters:
    ///   - task: What to do with the results.
    ///   - query: Any vector query: text, image, audio, video, vector or object concepts, several targets.
    ///   - collection: Where to search.
    ///   - imageProperties: Blob properties that hold images to attach.
    /// - Returns: The answer with the cited sources.
    /// - Throws: `RetrievalError` from the search, or what the model throws.
    public func answer(
        task: String,
        query: NearQuery,
        in collection: MultimodalCollection,
        imageProperties: [String] = []
    ) async throws -> GroundedAnswer {
        let sources = try await Self.sources(query, in: collection, imageProperties: imageProperties)
        return try await answer(task: task, sources: sources)
    }

    /// Retrieves with `query` from `collection`, then asks `template` once per result (single prompt).
    /// - Throws: `RetrievalError` from the search, or what the model throws.
    public func answerEach(
        _ template: PromptTemplate,
        query: NearQuery,
        in collection: MultimodalCollection,
        imageProperties: [String] = []
    ) async throws -> [SourceAnswer] {
        let sources = try await Self.sources(query, in: collection, imageProperties: imageProperties)
        return try await answerEach(template, sources: sources)
    }

    /// Retrieves with `query` from `collection` and streams the grouped answer; the sources come back too, in
    /// prompt order, for reading the citations of the collected text.
    /// - Throws: `RetrievalError` from the search (the stream carries the model's errors).
    public func stream(
        task: String,
        query: NearQuery,
        in collection: MultimodalCollection,
        imageProperties: [String] = []
    ) async throws -> (events: AsyncThrowingStream<GenerationEvent, any Error>, sources: [GroundingSource]) {
        let sources = try await Self.sources(query, in: collection, imageProperties: imageProperties)
        return (stream(task: task, sources: sources), sources)
    }

    /// The results of `query` as grounding sources, with the image blobs fetched.
    static func sources(
        _ query: NearQuery,
        in collection: MultimodalCollection,
        imageProperties: [String]
    ) async throws(RetrievalError) -> [GroundingSource] {
        var query = query
        for name in imageProperties where !query.includeBlobs.contains(name) { query.includeBlobs.append(name) }
        return try await collection.search(query).map { GroundingSource($0, imageProperties: imageProperties) }
    }
}
