// SPDX-License-Identifier: Apache-2.0

/// What an ``ImageGenerator`` is asked for: a prompt and, where the model offers them, size, quality, style, count.
///
/// `nil` leaves a setting to the provider.
public struct ImageGenerationRequest: Sendable, Hashable {
    /// An image size as the provider names it, such as `1024x1792`, or `auto`.
    public struct Size: Sendable, Hashable, CustomStringConvertible {
        /// The provider's name for the size.
        public let rawValue: String

        /// A size of `width × height` pixels.
        public init(width: Int, height: Int) { rawValue = "\(width)x\(height)" }

        private init(rawValue: String) { self.rawValue = rawValue }

        /// The model picks (`gpt-image-1`).
        public static let auto = Size(rawValue: "auto")

        /// `WIDTHxHEIGHT` or `auto`.
        public var description: String { rawValue }
    }

    /// A quality level as the provider names it.
    public struct Quality: Sendable, Hashable, CustomStringConvertible {
        /// The provider's name for the quality.
        public let rawValue: String
        /// Creates a quality from the provider's name.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// `standard` (`dall-e-3`).
        public static let standard = Quality(rawValue: "standard")
        /// `hd` (`dall-e-3`).
        public static let hd = Quality(rawValue: "hd")
        /// `low` (`gpt-image-1`).
        public static let low = Quality(rawValue: "low")
        /// `medium` (`gpt-image-1`).
        public static let medium = Quality(rawValue: "medium")
        /// `high` (`gpt-image-1`).
        public static let high = Quality(rawValue: "high")
        /// `auto` (`gpt-image-1`).
        public static let auto = Quality(rawValue: "auto")

        /// The provider's name.
        public var description: String { rawValue }
    }

    /// A rendering style (`dall-e-3`).
    public enum Style: String, Sendable, Hashable {
        /// Hyper-real and dramatic (the `dall-e-3` default).
        case vivid
        /// More natural, less hyper-real.
        case natural
    }

    /// What to draw.
    public var prompt: String
    /// The model, overriding the generator's default.
    public var model: String?
    /// The size.
    public var size: Size?
    /// The quality.
    public var quality: Quality?
    /// The style.
    public var style: Style?
    /// How many images.
    public var count: Int

    /// Creates a request.
    public init(
        prompt: String,
        model: String? = nil,
        size: Size? = nil,
        quality: Quality? = nil,
        style: Style? = nil,
        count: Int = 1
    ) {
        self.prompt = prompt
        self.model = model
        self.size = size
        self.quality = quality
        self.style = style
        self.count = count
    }
}
