// SPDX-License-Identifier: Apache-2.0

import Foundation
import MultimodalRAG

/// The `mmrag` command line: picks the command, parses its arguments, runs it and turns errors into exit codes.
enum Tool {
    /// The commands, in the order `--help` lists them.
    static let commands: [CommandSpec] = [
        DemoCommand.spec, IndexCommand.spec, SearchCommand.spec, AskCommand.spec, ImagineCommand.spec,
        InfoCommand.spec,
    ]

    /// Commands that are planned but not built yet, with the reason.
    static let unavailable: [String: String] = [:]

    /// The overview `mmrag --help` prints.
    static var overview: String {
        var lines = [
            "OVERVIEW: Multimodal retrieval on the command line: index images, sounds, videos and texts, then search "
                + "them with any of them.", "", "USAGE: mmrag <command> [options]", "", "COMMANDS:",
        ]
        for command in commands {
            lines.append("  " + command.name.padding(toLength: 10, withPad: " ", startingAt: 0) + command.abstract)
        }
        lines += ["", "  See 'mmrag <command> --help' for a command's options."]
        return lines.joined(separator: "\n") + "\n"
    }

    /// Runs `arguments` (without the program name) and returns the exit code.
    static func run(_ arguments: [String], console: Console, stopAfterBatches: Int? = nil) async -> Int32 {
        guard let name = arguments.first else {
            console.error(overview)
            return ToolError.Code.usage.exitCode
        }
        if name == "--help" || name == "-h" {
            console.print(overview)
            return 0
        }
        if name == "help" {
            guard let topic = arguments.dropFirst().first else {
                console.print(overview)
                return 0
            }
            guard let spec = commands.first(where: { $0.name == topic }) else {
                return fail(.usage("unknown command '\(topic)'"), spec: nil, console: console)
            }
            console.print(spec.help)
            return 0
        }
        if let missing = unavailable[name] {
            return fail(
                .failure("'mmrag \(name)' is not available yet: \(missing)"),
                spec: nil,
                console: console
            )
        }
        guard let spec = commands.first(where: { $0.name == name }) else {
            return fail(.usage("unknown command '\(name)'"), spec: nil, console: console)
        }
        do {
            let parsed = try spec.parse(Array(arguments.dropFirst()))
            if parsed.wantsHelp {
                console.print(spec.help)
                return 0
            }
            console.quiet = parsed.quiet
            switch name {
            case "demo": try await DemoCommand.run(parsed, console: console)
            case "index": try await IndexCommand.run(parsed, console: console, stopAfterBatches: stopAfterBatches)
            case "search": try await SearchCommand.run(parsed, console: console)
            case "ask": try await AskCommand.run(parsed, console: console)
            case "imagine": try await ImagineCommand.run(parsed, console: console)
            default: try await InfoCommand.run(parsed, console: console)
            }
            return 0
        } catch {
            let tool = Task.isCancelled && error.code != .usage ? ToolError(.interrupted, "interrupted") : error
            return fail(tool, spec: spec, console: console)
        }
    }

    /// Prints `error` (and the usage line for usage errors) and returns its exit code.
    static func fail(_ error: ToolError, spec: CommandSpec?, console: Console) -> Int32 {
        console.error("error: \(error)")
        if error.code == .usage {
            console.error(
                spec?.usage ?? "usage: mmrag <command> [options]  (commands: demo, index, search, ask, imagine, info)"
            )
        }
        return error.code.exitCode
    }
}
