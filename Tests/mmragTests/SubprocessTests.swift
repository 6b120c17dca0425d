// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import _RAGTestSupport

/// The built `mmrag` executable run as a child process: exit codes and the bytes it writes to pipes.
@Suite struct SubprocessTests {
    /// The `mmrag` executable beside the test bundle.
    static func executable() throws -> URL {
        var directories = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
        if let url = Bundle.main.executableURL { directories.insert(url.deletingLastPathComponent(), at: 0) }
        for directory in directories {
            let candidate = directory.appendingPathComponent("mmrag")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw CocoaError(
            .fileNoSuchFile,
            userInfo: [NSLocalizedDescriptionKey: "no mmrag executable in \(directories)"]
        )
    }

    /// Runs `mmrag` with `arguments` on a thread of its own; stdout and stderr are pipes (not terminals).
    ///
    /// Waiting for a process blocks its thread, and the concurrency runtime has as few threads as cores (two in
    /// CI) for every test running in parallel: waiting on one of them stalled unrelated timing tests.
    static func run(
        _ arguments: [String],
        environment: [String: String]? = nil
    ) async throws -> (code: Int32, out: [UInt8], err: [UInt8]) {
        try await offThePool { try runBlocking(arguments, environment: environment) }
    }

    /// Runs `body` on a new thread and waits for it without holding a thread of the concurrency runtime.
    static func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Runs `mmrag` with `arguments` and waits for it on the calling thread.
    static func runBlocking(
        _ arguments: [String],
        environment: [String: String]? = nil
    ) throws -> (code: Int32, out: [UInt8], err: [UInt8]) {
        let process = Process()
        process.executableURL = try executable()
        process.arguments = arguments
        if let environment { process.environment = environment }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // The outputs here are far below a pipe's capacity, so reading one pipe after the other cannot block.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, [UInt8](outData), [UInt8](errData))
    }

    @Test func usageErrorsExit64WithOneErrorLineAndTheUsage() async throws {
        let result = try await Self.run(["index", "--bogus"])
        #expect(result.code == 64)
        #expect(result.out.isEmpty)
        let text = String(decoding: result.err, as: UTF8.self)
        #expect(text == "error: unknown option '--bogus'\n" + IndexCommandUsage.line + "\n")
    }

    @Test func helpGoesToStandardOutput() async throws {
        let result = try await Self.run(["search", "--help"])
        #expect(result.code == 0)
        #expect(result.err.isEmpty)
        #expect(String(decoding: result.out, as: UTF8.self).hasPrefix("OVERVIEW: Search a collection"))
    }

    @Test func runtimeErrorsExit1WithOneLine() async throws {
        let result = try await Self.run(["info", "--collection", "/nonexistent/mmrag"])
        #expect(result.code == 1)
        #expect(
            String(decoding: result.err, as: UTF8.self)
                == "error: no collection in /nonexistent/mmrag (make one with 'mmrag index')\n"
        )
    }

    @Test func offlineColdCacheExitsNonZeroQuickly() async throws {
        let cache = try TinyModel.temporaryFolder("hf-cache-sub")
        let start = ContinuousClock.now
        let result = try await Self.run(
            ["demo"],
            environment: [
                "HF_HUB_CACHE": cache.path, "HF_HOME": cache.path, "HOME": cache.path,
                "HF_ENDPOINT": "http://127.0.0.1:1",
            ]
        )
        // A hang guard: resuming this task can wait for threads busy with other tests.
        #expect(ContinuousClock.now - start < .seconds(600))
        #expect(result.code == 1)
        let text = String(decoding: result.err, as: UTF8.self)
        #expect(text.hasPrefix("error: cannot reach http://127.0.0.1:1"))
        #expect(text.filter { $0 == "\n" }.count == 1)
    }

    @Test func aHubThatNeverAnswersTimesOutInsteadOfHanging() async throws {
        let server = LoopbackHTTPServer()
        server.fallback { _ in .hang }
        try server.start()
        defer { server.stop() }
        let cache = try TinyModel.temporaryFolder("hf-cache-hang")
        let start = ContinuousClock.now
        let result = try await Self.run(
            ["index", "/nonexistent", "--collection", "/nonexistent/c"],
            environment: [
                "HF_HUB_CACHE": cache.path, "HF_HOME": cache.path, "HOME": cache.path,
                "HF_ENDPOINT": server.baseURL.absoluteString, "HF_HUB_DOWNLOAD_TIMEOUT": "1",
            ]
        )
        #expect(ContinuousClock.now - start < .seconds(600), "the check waits for its timeout once, with no retries")
        #expect(result.code == 1)
        #expect(
            String(decoding: result.err, as: UTF8.self).hasPrefix(
                "error: cannot reach \(server.baseURL.absoluteString)"
            )
        )
        #expect(server.requests.count == 1)
    }

    @Test(.enabled(if: TinyModel.available, "needs MMRAG_FIXTURES (the tiny CLIP checkpoint)"))
    func everyCommandAgainstTheTinyCheckpoint() async throws {
        let model = try TinyModel.folder().path
        let samples = try TinyModel.textFolder(12)
        let collection = try TinyModel.temporaryFolder("sub").appendingPathComponent("c").path

        let demo = try await Self.run(["demo", "--model", model])
        #expect(demo.code == 0, "\(String(decoding: demo.err, as: UTF8.self))")
        let demoText = String(decoding: demo.out, as: UTF8.self)
        #expect(demoText.contains("collection  (temporary) "))
        #expect(demoText.contains("video → image: collection/cat-pan.y4m"))
        #expect(demo.err.isEmpty, "stderr is a pipe: no progress bar, no notes")

        let index = try await Self.run(["index", samples.path, "--collection", collection, "--model", model])
        #expect(index.code == 0)
        #expect(String(decoding: index.out, as: UTF8.self).contains("indexed 12 of 12 files"))
        #expect(!index.err.contains(0x0D), "no carriage return: no progress bar on a pipe")
        #expect(index.err.isEmpty)

        let search = try await Self.run([
            "search", "--collection", collection, "--model", model, "--text", "a rocket", "--json",
        ])
        #expect(search.code == 0)
        let lines = String(decoding: search.out, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 10)
        #expect(lines.allSatisfy { $0.hasPrefix("{") && $0.contains("\"modality\":") })

        let info = try await Self.run(["info", "--collection", collection])
        #expect(info.code == 0)
        #expect(String(decoding: info.out, as: UTF8.self).contains("objects     12 (text 12)"))
    }

    @Test(.enabled(if: TinyModel.available, "needs MMRAG_FIXTURES (the tiny CLIP checkpoint)"))
    func anInterruptKeepsCommittedBatches() async throws {
        let model = try TinyModel.folder().path
        let samples = try TinyModel.textFolder(40).path
        let collection = try TinyModel.temporaryFolder("sigint").appendingPathComponent("c").path
        let executable = try Self.executable()
        let status = try await Self.offThePool { () throws -> Int32 in
            let process = Process()
            process.executableURL = executable
            process.arguments = ["index", samples, "--collection", collection, "--model", model, "--batch-size", "1"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Interrupt once the first batch is in the log (or the run is over).
            let log = collection + "/log"
            let deadline = Date().addingTimeInterval(60)
            while process.isRunning, Date() < deadline {
                let size = (try? FileManager.default.attributesOfItem(atPath: log)[.size] as? Int) ?? 0
                if size > 0 { break }
                Thread.sleep(forTimeInterval: 0.005)
            }
            process.interrupt()
            process.waitUntilExit()
            return process.terminationStatus
        }
        #expect(status == 130 || status == 0)
        let rerun = try await Self.run(["index", samples, "--collection", collection, "--model", model])
        #expect(rerun.code == 0)
        let text = String(decoding: rerun.out, as: UTF8.self)
        #expect(text.contains("the collection holds 40 objects"), "\(text)")
    }
}

/// The usage line of `mmrag index`, as the help defines it.
enum IndexCommandUsage {
    static let line =
        "usage: mmrag index FOLDER --collection DIR [--model ID_OR_PATH] [--vector NAME] [--batch-size N] [--max-bytes N]"
}
