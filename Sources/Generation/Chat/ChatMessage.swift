// SPDX-License-Identifier: Apache-2.0

/// One part of a message: text or an image.
public enum ContentPart: Sendable, Hashable {
    /// Text.
    case text(String)
    /// An image.
    case image(ChatImage)
}

/// One turn of a conversation: who speaks and what they say, in text and image parts.
public struct ChatMessage: Sendable, Hashable {
    /// Who speaks.
    public enum Role: String, Sendable, Hashable {
        /// The person (or program) asking.
        case user
        /// The model, in an earlier turn.
        case assistant
    }

    /// Who speaks.
    public var role: Role
    /// What they say, in order.
    public var content: [ContentPart]

    /// Creates a message.
    public init(role: Role, content: [ContentPart]) {
        self.role = role
        self.content = content
    }

    /// A user message.
    public static func user(_ content: [ContentPart]) -> ChatMessage { ChatMessage(role: .user, content: content) }

    /// A user message of text only.
    public static func user(_ text: String) -> ChatMessage { ChatMessage(role: .user, content: [.text(text)]) }

    /// An assistant message of text only.
    public static func assistant(_ text: String) -> ChatMessage {
        ChatMessage(role: .assistant, content: [.text(text)])
    }

    /// The text parts joined with newlines.
    public var text: String {
        content.compactMap { if case .text(let text) = $0 { text } else { nil } }.joined(separator: "\n")
    }

    /// The image parts, in order.
    public var images: [ChatImage] {
        content.compactMap { if case .image(let image) = $0 { image } else { nil } }
    }
}
