// SPDX-License-Identifier: Apache-2.0

import Foundation
import MultimodalRAG

/// `mmrag imagine`: retrieve the best image for a text, have a vision model describe it, and have an image model
/// paint a new one from the description (saved as PNG).
enum ImagineCommand {
    static let spec = CommandSpec(
        name: "imagine",
        abstract: "Retrieve the best image for a text, describe it with a vision model, and generate a new one.",
        arguments: [("QUERY", "What to look for in the collection.")],
        options: [
            .value("collection", "DIR", "The collection folder (made by 'mmrag index')."),
            .value("out", "FILE.png", "Where to write the generated image."),
            .value("style", "TEXT", "Added to the description before generating (e.g. 'as a watercolour')."),
            .value("image-model", "NAME", "The OpenAI image model (default dall-e-3)."),
            .value("images-url", "URL", "The image API base, for OpenAI-compatible servers."),
            .value("vector", "NAME", "The named vector to search (default: the collection's first)."),
            .value("model", "ID_OR_PATH", "The embedding model (default: the one the collection was built with)."),
        ] + ChatProvider.commandOptions,
        synopsis:
            "QUERY --collection DIR --out FILE.png [--style TEXT] [--chat PROVIDER[/MODEL]] [--image-model NAME] "
            + "[--base-url URL] [--images-url URL] [--timeout SECONDS]",
        discussion: "The image model is OpenAI's Images API; its key comes from OPENAI_API_KEY."
    )

    static func run(
        _ arguments: ParsedArguments,
        console: Console,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws(ToolError) {
        let text = arguments.positionals[0]
        let folder = try arguments.required("collection", "DIR")
        let out = try arguments.required("out", "FILE.png")
        let chat = try ChatProvider(arguments, environment: environment)
        var imagesURL = OpenAIChatModel.openAIBaseURL
        if let given = arguments.values["images-url"] {
            guard let url = URL(string: given), url.scheme == "http" || url.scheme == "https" else {
                throw .usage("--images-url must be an http or https URL")
            }
            imagesURL = url
        } else if (environment["OPENAI_API_KEY"] ?? "").isEmpty {
            throw .failure("no API key for the image model: set OPENAI_API_KEY (or give --images-url)")
        }
        let (collection, vector) = try await Retrieve.prepare(folder, arguments, console: console)
        var query = NearQuery(target: .init(vector: vector, .text(text)))
        query.limit = 20
        let best: GroundingSource
        do {
            guard let found = try await Retrieve.sources(query, in: collection).first(where: { !$0.images.isEmpty })
            else { throw ToolError.failure("no image in the collection matches '\(text)'") }
            best = found
        } catch {
            throw ChatProvider.failure(error, doing: "the search")
        }
        console.print("retrieved: \(best.properties[IndexSchema.name] ?? best.id)")

        let describer = GroundedGenerator(model: chat.chatModel())
        let description: String
        do {
            let answer = try await describer.answer(
                task: "Describe the image [1] in one paragraph, concretely enough for an artist to paint it again: "
                    + "subject, composition, colours, light, style. Do not mention the citation.",
                sources: [best]
            )
            description = answer.text.trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            throw ChatProvider.failure(error, doing: "the chat model (\(chat.provider)/\(chat.model))")
        }
        console.print("description: \(description)")

        let prompt = arguments.values["style"].map { description + " " + $0 } ?? description
        let painter = OpenAIImageGenerator(
            model: arguments.values["image-model"] ?? "dall-e-3",
            baseURL: imagesURL,
            options: chat.options
        )
        let image: GeneratedImage
        do {
            guard let first = try await painter.generate(ImageGenerationRequest(prompt: prompt)).first else {
                throw ToolError.failure("the image model returned no image")
            }
            image = first
        } catch {
            throw ChatProvider.failure(error, doing: "the image model")
        }
        do {
            try Data(PNGEncoder().encode(image.image)).write(to: URL(fileURLWithPath: out))
        } catch {
            throw .failure("cannot write \(out)", underlying: error)
        }
        console.print("wrote \(out) (\(image.image.width)x\(image.image.height))")
    }
}
