// SPDX-License-Identifier: Apache-2.0

import Foundation

/// A one-line progress bar on standard error: `label [#####-----]  12/40 items  3.1 items/s  ETA 0:09`.
///
/// It draws only when the console shows progress (standard error is a terminal, no `--quiet`), redraws at most
/// ten times a second, and ends its line in ``finish()``.
final class ProgressBar: @unchecked Sendable {
    // SAFETY: every mutable field is read and written only under `lock`.
    private let lock = NSLock()
    private let console: Console
    private let label: String
    private let unit: Unit
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private var lastDraw: ContinuousClock.Instant?
    private var drawn = false

    /// How quantities are shown.
    enum Unit: Sendable {
        /// Counted items, such as files.
        case items(String)
        /// Bytes, shown in MB.
        case bytes
    }

    init(console: Console, label: String, unit: Unit) {
        self.console = console
        self.label = label
        self.unit = unit
        start = clock.now
    }

    /// Shows `completed` of `total` (`nil`: unknown), with `detail` after the numbers.
    func update(completed: Int64, total: Int64?, detail: String = "", force: Bool = false) {
        guard console.showsProgress else { return }
        let now = clock.now
        let line: String? = lock.withLock {
            if !force, let lastDraw, now - lastDraw < .milliseconds(100) { return nil }
            lastDraw = now
            drawn = true
            return render(completed: completed, total: total, elapsed: now - start, detail: detail)
        }
        if let line { console.progress("\r" + line + "\u{1B}[K") }
    }

    /// Ends the bar's line (when one was drawn).
    func finish() {
        let wasDrawn = lock.withLock { drawn }
        if wasDrawn { console.progress("\n") }
    }

    private func render(completed: Int64, total: Int64?, elapsed: Duration, detail: String) -> String {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let rate = seconds > 0 ? Double(completed) / seconds : 0
        var parts = [label]
        if let total, total > 0 {
            let width = 24
            let filled = min(width, Int(Double(width) * Double(completed) / Double(total)))
            parts.append(
                "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "]"
            )
        }
        switch unit {
        case .items(let name):
            parts.append(total.map { "\(completed)/\($0) \(name)" } ?? "\(completed) \(name)")
            parts.append(String(format: "%.1f \(name)/s", rate))
        case .bytes:
            let mb = { (value: Int64) in String(format: "%.1f", Double(value) / 1e6) }
            parts.append(total.map { "\(mb(completed))/\(mb($0)) MB" } ?? "\(mb(completed)) MB")
            parts.append(String(format: "%.1f MB/s", rate / 1e6))
        }
        if let total, rate > 0, completed < total {
            parts.append("ETA " + Self.clock(Double(total - completed) / rate))
        }
        if !detail.isEmpty { parts.append(detail) }
        return parts.joined(separator: "  ")
    }

    /// `m:ss` or `h:mm:ss`.
    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded(.up))
        let (h, m, s) = (total / 3600, total / 60 % 60, total % 60)
        let ss = s < 10 ? "0\(s)" : "\(s)"
        if h > 0 { return "\(h):" + (m < 10 ? "0\(m)" : "\(m)") + ":" + ss }
        return "\(m):" + ss
    }
}
