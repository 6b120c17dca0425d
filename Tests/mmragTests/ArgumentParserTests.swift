// SPDX-License-Identifier: Apache-2.0

import Testing

@testable import mmrag

/// The parser against the conventions of swift-argument-parser, table by table.
@Suite struct ArgumentParserTests {
    static let spec = CommandSpec(
        name: "index",
        abstract: "test",
        arguments: [("FOLDER", "a folder")],
        options: [.value("collection", "DIR", "c"), .value("limit", "N", "n"), .flag("json", "j")],
        synopsis: "FOLDER --collection DIR"
    )

    struct Accepted: Sendable, CustomTestStringConvertible {
        var words: [String]
        var values: [String: String]
        var flags: Set<String>
        var positionals: [String]
        var testDescription: String { words.joined(separator: " ") }
    }

    static let accepted: [Accepted] = [
        Accepted(words: ["f", "--collection", "c"], values: ["collection": "c"], flags: [], positionals: ["f"]),
        Accepted(words: ["--collection=c", "f"], values: ["collection": "c"], flags: [], positionals: ["f"]),
        Accepted(words: ["--collection=", "f"], values: ["collection": ""], flags: [], positionals: ["f"]),
        Accepted(words: ["--collection=a=b", "f"], values: ["collection": "a=b"], flags: [], positionals: ["f"]),
        Accepted(words: ["f", "--json", "--quiet"], values: [:], flags: ["json", "quiet"], positionals: ["f"]),
        Accepted(words: ["--limit", "1", "--limit", "2", "f"], values: ["limit": "2"], flags: [], positionals: ["f"]),
        Accepted(words: ["--limit", "-3", "f"], values: ["limit": "-3"], flags: [], positionals: ["f"]),
        Accepted(words: ["--", "--json"], values: [:], flags: [], positionals: ["--json"]),
        Accepted(words: ["--json", "--", "-h"], values: [:], flags: ["json"], positionals: ["-h"]),
        Accepted(words: ["-"], values: [:], flags: [], positionals: ["-"]),
        Accepted(words: ["f", "--help", "--bogus"], values: [:], flags: ["help"], positionals: []),
        Accepted(words: ["-h"], values: [:], flags: ["help"], positionals: []),
    ]

    @Test(arguments: accepted)
    func parses(_ case: Accepted) throws {
        let parsed = try Self.spec.parse(`case`.words)
        #expect(parsed.values == `case`.values)
        #expect(parsed.flags == `case`.flags)
        #expect(parsed.positionals == `case`.positionals)
    }

    struct Rejected: Sendable, CustomTestStringConvertible {
        var words: [String]
        var message: String
        var testDescription: String { words.joined(separator: " ") }
    }

    static let rejected: [Rejected] = [
        Rejected(words: ["f", "--bogus"], message: "unknown option '--bogus'"),
        Rejected(words: ["f", "--bogus=1"], message: "unknown option '--bogus'"),
        Rejected(words: ["f", "-x"], message: "unknown option '-x'"),
        Rejected(words: ["f", "--collection"], message: "missing value for '--collection <DIR>'"),
        Rejected(words: ["f", "--collection", "--json"], message: "missing value for '--collection <DIR>'"),
        Rejected(words: ["f", "--json=yes"], message: "option '--json' takes no value"),
        Rejected(words: [], message: "missing expected argument '<FOLDER>'"),
        Rejected(words: ["f", "g"], message: "unexpected argument 'g'"),
        Rejected(words: ["f", "--", "g"], message: "unexpected argument 'g'"),
    ]

    @Test(arguments: rejected)
    func rejects(_ case: Rejected) {
        #expect {
            _ = try Self.spec.parse(`case`.words)
        } throws: { error in
            let error = error as? ToolError
            return error?.code == .usage && error?.message == `case`.message
        }
    }

    @Test func integerOptionsAreChecked() throws {
        let parsed = try Self.spec.parse(["f", "--limit", "0"])
        #expect(throws: ToolError.self) { _ = try parsed.integer("limit", default: 10, in: 1...100) }
        #expect(try parsed.integer("other", default: 10, in: 1...100) == 10)
        #expect(try Self.spec.parse(["f", "--limit=7"]).integer("limit", default: 10, in: 1...100) == 7)
        #expect(throws: ToolError.self) {
            _ = try Self.spec.parse(["f", "--limit=x"]).integer("limit", default: 1, in: 1...9)
        }
    }

    /// Whole command lines: the exit code and the first line on standard error.
    struct Line: Sendable, CustomTestStringConvertible {
        var words: [String]
        var code: Int32
        var stderrPrefix: String
        var testDescription: String { "mmrag " + words.joined(separator: " ") }
    }

    static let lines: [Line] = [
        Line(words: [], code: 64, stderrPrefix: "OVERVIEW:"),
        Line(words: ["--help"], code: 0, stderrPrefix: ""),
        Line(words: ["help", "search"], code: 0, stderrPrefix: ""),
        Line(words: ["help", "bogus"], code: 64, stderrPrefix: "error: unknown command 'bogus'\nusage: mmrag"),
        Line(words: ["bogus"], code: 64, stderrPrefix: "error: unknown command 'bogus'\nusage: mmrag"),
        Line(words: ["ask", "x"], code: 64, stderrPrefix: "error: missing required option '--collection <DIR>'"),
        Line(words: ["imagine"], code: 64, stderrPrefix: "error: missing expected argument '<QUERY>'"),
        Line(words: ["ask", "x", "--collection", "c", "--chat", "bard"], code: 64, stderrPrefix: "error: --chat must"),
        Line(
            words: ["index"],
            code: 64,
            stderrPrefix: "error: missing expected argument '<FOLDER>'\nusage: mmrag index FOLDER"
        ),
        Line(
            words: ["index", "f"],
            code: 64,
            stderrPrefix: "error: missing required option '--collection <DIR>'\nusage: mmrag index"
        ),
        Line(
            words: ["index", "f", "--collection", "c", "--batch-size", "0"],
            code: 64,
            stderrPrefix: "error: '--batch-size' expects"
        ),
        Line(words: ["search", "--collection", "c"], code: 64, stderrPrefix: "error: give exactly one of --text"),
        Line(
            words: ["search", "--collection", "c", "--text", "a", "--image", "b"],
            code: 64,
            stderrPrefix: "error: give exactly one"
        ),
        Line(
            words: ["search", "--collection", "c", "--text", "a", "--alpha", "0.5"],
            code: 64,
            stderrPrefix: "error: --alpha weighs the legs of --hybrid"
        ),
        Line(
            words: ["search", "--collection", "c", "--hybrid", "x", "--alpha", "2"],
            code: 64,
            stderrPrefix: "error: --alpha must be a number from 0 to 1"
        ),
        Line(
            words: ["search", "--collection", "/nonexistent/c", "--hybrid", "x"],
            code: 1,
            stderrPrefix: "error: no collection in /nonexistent/c"
        ),
        Line(
            words: ["search", "--collection", "/nonexistent/c", "--text", "a"],
            code: 1,
            stderrPrefix: "error: no collection in /nonexistent/c"
        ),
        Line(
            words: ["search", "--collection", "c", "--text"],
            code: 64,
            stderrPrefix: "error: missing value for '--text <TEXT>'"
        ),
        Line(words: ["info"], code: 64, stderrPrefix: "error: missing required option '--collection <DIR>'"),
        Line(words: ["info", "--collection", "/nonexistent/c"], code: 1, stderrPrefix: "error: no collection in"),
        Line(
            words: ["info", "--collection", "c", "extra"],
            code: 64,
            stderrPrefix: "error: unexpected argument 'extra'"
        ),
        Line(words: ["demo", "--keep"], code: 64, stderrPrefix: "error: missing value for '--keep <DIR>'"),
        Line(
            words: ["demo", "--model", "/nonexistent/model"],
            code: 1,
            stderrPrefix: "error: no model folder at /nonexistent/model"
        ),
        Line(words: ["demo", "--help"], code: 0, stderrPrefix: ""),
        Line(words: ["index", "--help"], code: 0, stderrPrefix: ""),
        Line(words: ["info", "-h"], code: 0, stderrPrefix: ""),
    ]

    @Test(arguments: lines)
    func exitCodes(_ line: Line) async {
        let output = CapturedOutput()
        let code = await Tool.run(line.words, console: .capturing(output))
        #expect(code == line.code)
        #expect(output.stderr.hasPrefix(line.stderrPrefix), "\(output.stderr)")
        if line.code == 0 {
            #expect(output.stderr.isEmpty)
            #expect(output.stdout.contains("USAGE:") || output.stdout.contains("OVERVIEW:"))
        } else {
            #expect(output.stdout.isEmpty)
            // One error line, plus the usage line for usage errors.
            let errorLines = output.stderr.split(separator: "\n").filter { $0.hasPrefix("error: ") }
            #expect(line.words.isEmpty || errorLines.count == 1)
        }
    }

    @Test func everyCommandHasHelpListingItsOptions() {
        for spec in Tool.commands {
            let help = spec.help
            #expect(help.contains("USAGE: mmrag \(spec.name)"))
            for option in spec.options + CommandSpec.common { #expect(help.contains("--\(option.name)")) }
        }
    }
}
