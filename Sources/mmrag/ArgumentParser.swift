// SPDX-License-Identifier: Apache-2.0

/// One option of a command: `--name VALUE` (or `--name=VALUE`), or a flag `--name`.
struct OptionSpec: Sendable {
    /// The option's name without the leading dashes.
    var name: String
    /// The placeholder of its value (`DIR`, `N`), or `nil` for a flag.
    var value: String?
    /// One line of help.
    var help: String

    /// An option that takes a value.
    static func value(_ name: String, _ placeholder: String, _ help: String) -> OptionSpec {
        OptionSpec(name: name, value: placeholder, help: help)
    }

    /// A flag.
    static func flag(_ name: String, _ help: String) -> OptionSpec {
        OptionSpec(name: name, value: nil, help: help)
    }
}

/// What a command accepts: positional arguments and options, with the text of its usage line and help.
struct CommandSpec: Sendable {
    /// The command's name (`index`).
    var name: String
    /// One line saying what it does.
    var abstract: String
    /// The positional arguments, all required, in order: (placeholder, help).
    var arguments: [(name: String, help: String)] = []
    /// The options; `--help` and `--quiet` are added to every command.
    var options: [OptionSpec]
    /// The usage line's synopsis after `mmrag NAME` (written by hand so that alternatives read well).
    var synopsis: String
    /// Extra lines printed at the end of `--help`.
    var discussion: String = ""

    /// Options every command has.
    static let common: [OptionSpec] = [
        .flag("quiet", "Print no progress and no notes, only results and errors."),
        .flag("help", "Show this help."),
    ]

    /// The usage line.
    var usage: String { "usage: mmrag \(name) \(synopsis)" }

    /// The full `--help` text.
    var help: String {
        var lines = ["OVERVIEW: \(abstract)", "", "USAGE: mmrag \(name) \(synopsis)", ""]
        if !arguments.isEmpty {
            lines.append("ARGUMENTS:")
            for argument in arguments { lines.append(Self.row(argument.name, argument.help)) }
            lines.append("")
        }
        lines.append("OPTIONS:")
        for option in options + Self.common {
            let head = option.value.map { "--\(option.name) <\($0)>" } ?? "--\(option.name)"
            lines.append(Self.row(head + (option.name == "help" ? ", -h" : ""), option.help))
        }
        if !discussion.isEmpty { lines += ["", discussion] }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func row(_ head: String, _ help: String) -> String {
        let padded = head.count < 26 ? head + String(repeating: " ", count: 26 - head.count) : head + "  "
        return "  " + padded + help
    }

    /// Parses `arguments` (the words after the command's name).
    ///
    /// Behaves as swift-argument-parser users expect: `--name value` and `--name=value`; a later value of the same
    /// option replaces an earlier one; `--` ends the options; `-h` or `--help` anywhere before `--` asks for help.
    ///
    /// - Throws: ``ToolError/Code/usage`` for an unknown option, a missing value, a value given to a flag, a
    ///   missing or unexpected positional argument.
    func parse(_ words: [String]) throws(ToolError) -> ParsedArguments {
        var parsed = ParsedArguments()
        let all = options + Self.common
        var index = 0
        var optionsEnded = false
        if let end = words.firstIndex(of: "--") ?? Optional(words.count),
            words[..<end].contains(where: { $0 == "--help" || $0 == "-h" })
        {
            parsed.flags.insert("help")
            return parsed
        }
        while index < words.count {
            let word = words[index]
            index += 1
            if optionsEnded || word == "-" || !word.hasPrefix("-") {
                parsed.positionals.append(word)
                continue
            }
            if word == "--" {
                optionsEnded = true
                continue
            }
            guard word.hasPrefix("--") else { throw .usage("unknown option '\(word)'") }
            let body = word.dropFirst(2)
            let name = String(body.prefix { $0 != "=" })
            let inline: String? = body.contains("=") ? String(body.drop { $0 != "=" }.dropFirst()) : nil
            guard let option = all.first(where: { $0.name == name }) else {
                throw .usage("unknown option '--\(name)'")
            }
            guard let placeholder = option.value else {
                if inline != nil { throw .usage("option '--\(name)' takes no value") }
                parsed.flags.insert(name)
                continue
            }
            if let inline {
                parsed.values[name] = inline
            } else if index < words.count, !Self.looksLikeOption(words[index]) {
                parsed.values[name] = words[index]
                index += 1
            } else {
                throw .usage("missing value for '--\(name) <\(placeholder)>'")
            }
        }
        if parsed.positionals.count > arguments.count {
            throw .usage("unexpected argument '\(parsed.positionals[arguments.count])'")
        }
        if parsed.positionals.count < arguments.count {
            throw .usage("missing expected argument '<\(arguments[parsed.positionals.count].name)>'")
        }
        return parsed
    }

    /// Whether a word following an option is another option rather than its value (negative numbers are values).
    private static func looksLikeOption(_ word: String) -> Bool {
        guard word.hasPrefix("-"), word.count > 1 else { return false }
        return Double(word) == nil
    }
}

/// The result of ``CommandSpec/parse(_:)``.
struct ParsedArguments: Sendable, Equatable {
    /// Option values by name.
    var values: [String: String] = [:]
    /// The flags given.
    var flags: Set<String> = []
    /// The positional arguments, in order.
    var positionals: [String] = []

    /// Whether `--help` (or `-h`) was given.
    var wantsHelp: Bool { flags.contains("help") }
    /// Whether `--quiet` was given.
    var quiet: Bool { flags.contains("quiet") }

    /// The value of a required option.
    func required(_ name: String, _ placeholder: String) throws(ToolError) -> String {
        guard let value = values[name] else { throw .usage("missing required option '--\(name) <\(placeholder)>'") }
        return value
    }

    /// The value of an option as a whole number in `range`, or `defaultValue` when absent.
    func integer(_ name: String, default defaultValue: Int, in range: ClosedRange<Int>) throws(ToolError) -> Int {
        guard let text = values[name] else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            throw .usage(
                "'--\(name)' expects a whole number from \(range.lowerBound) to \(range.upperBound), got '\(text)'"
            )
        }
        return value
    }
}
