// SPDX-License-Identifier: Apache-2.0

import Foundation

/// Where a command writes: results to standard output, notes, progress and errors to standard error.
///
/// The real console writes to the process's file descriptors and asks `isatty` whether standard error is a
/// terminal; tests use ``capturing(stderrIsTerminal:environment:)`` and read what was written.
final class Console: @unchecked Sendable {
    // SAFETY: the only mutable state is `quiet` and the captured text, each read and written under `lock`
    // (the project's `Locked` is package API, which this command, a client of the public API, cannot use).
    private let lock = NSLock()
    private let writeOut: @Sendable (String) -> Void
    private let writeErr: @Sendable (String) -> Void
    private var isQuiet = false
    /// Whether standard error is a terminal: progress bars are drawn only then.
    let stderrIsTerminal: Bool
    /// The environment variables the command reads (the hub cache, the endpoint, the fixtures).
    let environment: [String: String]

    init(
        stderrIsTerminal: Bool,
        environment: [String: String],
        out: @escaping @Sendable (String) -> Void,
        err: @escaping @Sendable (String) -> Void
    ) {
        self.stderrIsTerminal = stderrIsTerminal
        self.environment = environment
        writeOut = out
        writeErr = err
    }

    /// The process's standard output and error.
    static func standard() -> Console {
        Console(
            stderrIsTerminal: isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["TERM"] != "dumb",
            environment: ProcessInfo.processInfo.environment,
            out: { FileHandle.standardOutput.write(Data($0.utf8)) },
            err: { FileHandle.standardError.write(Data($0.utf8)) }
        )
    }

    /// A console that keeps what is written in `buffer`.
    static func capturing(
        _ buffer: CapturedOutput,
        stderrIsTerminal: Bool = false,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> Console {
        Console(
            stderrIsTerminal: stderrIsTerminal,
            environment: environment,
            out: { buffer.append(out: $0) },
            err: { buffer.append(err: $0) }
        )
    }

    /// Whether notes and progress are silenced (`--quiet`).
    var quiet: Bool {
        get { lock.withLock { isQuiet } }
        set { lock.withLock { isQuiet = newValue } }
    }

    /// Whether progress bars are drawn: standard error is a terminal and `--quiet` was not given.
    var showsProgress: Bool { stderrIsTerminal && !quiet }

    /// Writes text to standard output as it comes (a streamed answer), without a line break.
    func write(_ text: String) { lock.withLock { writeOut(text) } }

    /// Writes a line of results to standard output.
    func print(_ line: String = "") { lock.withLock { writeOut(line + "\n") } }

    /// Writes a note to standard error, unless quiet.
    func note(_ line: String) {
        guard !quiet else { return }
        lock.withLock { writeErr(line + "\n") }
    }

    /// Writes an error line to standard error (also when quiet).
    func error(_ line: String) { lock.withLock { writeErr(line + "\n") } }

    /// Writes raw text to standard error (progress bars), unless quiet.
    func progress(_ text: String) {
        guard showsProgress else { return }
        lock.withLock { writeErr(text) }
    }
}

/// What a capturing ``Console`` wrote.
final class CapturedOutput: @unchecked Sendable {
    // SAFETY: both strings are read and written only under `lock`.
    private let lock = NSLock()
    private var outText = ""
    private var errText = ""

    init() {}

    func append(out text: String) { lock.withLock { outText += text } }
    func append(err text: String) { lock.withLock { errText += text } }

    /// Everything written to standard output.
    var stdout: String { lock.withLock { outText } }
    /// Everything written to standard error.
    var stderr: String { lock.withLock { errText } }
}
