// SPDX-License-Identifier: Apache-2.0

/// A model that makes images from a text prompt.
///
/// ``OpenAIImageGenerator`` speaks OpenAI's image API (`dall-e-2`, `dall-e-3`, `gpt-image-1`); conform your own
/// type to bring another provider or a local model.
///
/// ```swift
/// let painter: any ImageGenerator = OpenAIImageGenerator(model: "dall-e-3")
/// let images = try await painter.generate(ImageGenerationRequest(prompt: "A lighthouse at dusk, watercolor"))
/// let png = PNGEncoder().encode(images[0].image)
/// ```
public protocol ImageGenerator: Sendable {
    /// Makes the images a request asks for, decoded, in the provider's order.
    func generate(_ request: ImageGenerationRequest) async throws -> [GeneratedImage]
}
