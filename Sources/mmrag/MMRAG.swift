// SPDX-License-Identifier: Apache-2.0

import Foundation

/// The `mmrag` executable: runs the command line and exits with its code.
///
/// The first Ctrl-C cancels the command (an index run stops after its current batch and keeps what it committed);
/// a second one exits at once.
@main
enum MMRAG {
    static func main() async {
        let console = Console.standard()
        let arguments = Array(CommandLine.arguments.dropFirst())
        let task = Task { await Tool.run(arguments, console: console) }
        let interrupts = Interrupts { task.cancel() }
        let code = await task.value
        withExtendedLifetime(interrupts) {}
        exit(code)
    }
}

/// Turns SIGINT into a call of `onFirst`; the second SIGINT exits with code 130.
final class Interrupts: @unchecked Sendable {
    // SAFETY: `count` is read and written only under `lock`; `source` is set once in `init`.
    private let lock = NSLock()
    private var count = 0
    private let source: any DispatchSourceSignal

    init(onFirst: @escaping @Sendable () -> Void) {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [lock] in
            let first = lock.withLock {
                self.count += 1
                return self.count == 1
            }
            if first {
                FileHandle.standardError.write(
                    Data("\ninterrupted; stopping after the current batch (Ctrl-C again to quit now)\n".utf8)
                )
                onFirst()
            } else {
                exit(130)
            }
        }
        source.resume()
    }
}
