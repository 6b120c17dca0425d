// SPDX-License-Identifier: Apache-2.0

import Foundation

/// An API key that never shows itself: its description, debug description and reflection are `<redacted>`.
package struct APIKey: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The secret.
    package let value: String

    /// A key, or `nil` for an empty or missing one.
    package init?(_ value: String?) {
        guard let value, !value.isEmpty else { return nil }
        self.value = value
    }

    /// The key in the first of `names` that is set and not empty in `environment`.
    /// - Parameters:
    ///   - names: Environment variable names, in order of preference (such as `GEMINI_API_KEY`, `GOOGLE_API_KEY`).
    ///   - environment: The variables to look in; the process environment by default.
    /// - Returns: The first key found, or `nil`.
    package static func fromEnvironment(
        _ names: [String],
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> APIKey? {
        names.lazy.compactMap { APIKey(environment[$0]) }.first
    }

    /// `<redacted>`.
    package var description: String { "<redacted>" }
    /// `<redacted>`.
    package var debugDescription: String { "<redacted>" }
    /// A mirror without children.
    package var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }

    /// `text` with every occurrence of the key replaced by `<redacted>` (for provider messages that echo it).
    package func redacting(_ text: String) -> String {
        text.replacingOccurrences(of: value, with: "<redacted>")
    }
}
