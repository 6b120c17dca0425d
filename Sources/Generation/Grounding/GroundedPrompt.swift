// SPDX-License-Identifier: Apache-2.0

/// How retrieved sources become a chat request: the system prompt, how each source is written out, how many of
/// their images are attached, and the chat options.
///
/// Two modes, as in Weaviate's generative search:
/// - **Grouped task** (``groupedRequest(task:sources:)``): one request over all sources, numbered `[1]`, `[2]`, …
///   in retrieval order, each written with ``sourceTemplate``, followed by the task; the answer cites sources by
///   number.
/// - **Single prompt** (``singleRequest(_:source:)``): one request per source, the prompt template filled from
///   that source's properties.
///
/// Images are attached in source order, each after a text part naming its source (`Image from source [2]:`), up
/// to ``maxImages`` images and ``maxImageBytes`` encoded bytes in all (images given by URL count no bytes); the
/// rest are left out. Each chat client then sends them in its provider's format and budget.
public struct GroundedPrompt: Sendable, Hashable {
    /// The default system prompt: answer from the sources only, cite them as `[n]`.
    public static let defaultSystem = """
        Answer using only the numbered sources. After each statement, cite the sources it relies on as [n], \
        for example [1] or [2, 3]. If the sources do not contain the answer, say so.
        """

    /// The system prompt of grouped requests (single-prompt requests send none).
    public var system: String?
    /// How a source is written in a grouped request; `nil` writes every property as `name: value`, by name.
    public var sourceTemplate: PromptTemplate?
    /// The most images attached to one request.
    public var maxImages: Int
    /// The most encoded image bytes attached to one request.
    public var maxImageBytes: Int
    /// Options of every request.
    public var options: ChatOptions

    /// Creates a prompt layout.
    /// - Parameters:
    ///   - system: The system prompt of grouped requests; ``defaultSystem`` by default.
    ///   - sourceTemplate: How each source is written; every property by default.
    ///   - maxImages: Images attached per request at most; 4 by default.
    ///   - maxImageBytes: Encoded image bytes per request at most; 16 MB by default.
    ///   - options: Chat options of every request.
    /// - Precondition: `maxImages >= 0` and `maxImageBytes >= 0`.
    public init(
        system: String? = GroundedPrompt.defaultSystem,
        sourceTemplate: PromptTemplate? = nil,
        maxImages: Int = 4,
        maxImageBytes: Int = 16 << 20,
        options: ChatOptions = ChatOptions()
    ) {
        precondition(maxImages >= 0 && maxImageBytes >= 0, "image limits must not be negative")
        self.system = system
        self.sourceTemplate = sourceTemplate
        self.maxImages = maxImages
        self.maxImageBytes = maxImageBytes
        self.options = options
    }

    /// One request over all sources, numbered from 1 in the given order.
    ///
    /// The user message is `Sources:`, one block per source (`[n] ` and the written source), a blank line,
    /// `Task: ` and the task, then the attached images.
    public func groupedRequest(task: String, sources: [GroundingSource]) -> ChatRequest {
        var text = "Sources:\n"
        for (index, source) in sources.enumerated() {
            text += "[\(index + 1)] \(written(source))\n"
        }
        text += "\nTask: \(task)"
        var budget = ImageBudget(count: maxImages, bytes: maxImageBytes)
        var parts: [ContentPart] = [.text(text)]
        for (index, source) in sources.enumerated() {
            for image in source.images where budget.take(image) {
                parts.append(.text("Image from source [\(index + 1)]:"))
                parts.append(.image(image))
            }
        }
        return ChatRequest(system: system, messages: [.user(parts)], options: options)
    }

    /// One request for one source: `prompt` filled from its properties, then its images.
    public func singleRequest(_ prompt: PromptTemplate, source: GroundingSource) -> ChatRequest {
        var budget = ImageBudget(count: maxImages, bytes: maxImageBytes)
        var parts: [ContentPart] = [.text(prompt.render(source.properties))]
        for image in source.images where budget.take(image) { parts.append(.image(image)) }
        return ChatRequest(messages: [.user(parts)], options: options)
    }

    /// A source as written in a grouped request.
    func written(_ source: GroundingSource) -> String {
        if let sourceTemplate { return sourceTemplate.render(source.properties) }
        return source.properties.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "\n")
    }

    /// What is left of the image allowance of one request.
    struct ImageBudget {
        var count: Int
        var bytes: Int

        /// Whether `image` still fits; if so, it is counted.
        mutating func take(_ image: ChatImage) -> Bool {
            let size =
                switch image.source {
                case .data(let data, _): data.count
                case .url: 0
                }
            guard count > 0, size <= bytes else { return false }
            count -= 1
            bytes -= size
            return true
        }
    }
}
