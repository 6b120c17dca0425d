// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import _RAGTestSupport

@testable import mmrag

/// Every command end to end, in-process, on the tiny random-weight CLIP checkpoint and the shipped samples.
@Suite(.enabled(if: TinyModel.available, "needs MMRAG_FIXTURES (the tiny CLIP checkpoint)"))
struct CommandTests {
    @Test func demoRefusesAModelWithoutATokenizerBeforeIndexing() async throws {
        // The checkpoint alone: weights and configuration, no tokenizer files.
        let model = try TinyModel.temporaryFolder("no-tokenizer").appendingPathComponent("clip-tiny")
        try FileManager.default.createDirectory(at: model, withIntermediateDirectories: true)
        for name in ["config.json", "model.safetensors", "preprocessor_config.json"] {
            try FileManager.default.createSymbolicLink(
                at: model.appendingPathComponent(name),
                withDestinationURL: try Fixtures.shared("models/clip-tiny/" + name)
            )
        }
        let keep = try TinyModel.temporaryFolder("demo-no-tokenizer").appendingPathComponent("c").path
        let result = await TinyModel.run(["demo", "--model", model.path, "--keep", keep])
        #expect(result.code == 1)
        #expect(
            result.err.contains("does not embed texts (its folder has no tokenizer: vocab.json and merges.txt"),
            "\(result.err)"
        )
        #expect(!FileManager.default.fileExists(atPath: keep), "nothing was indexed")
    }

    @Test func demoWithTheTinyCheckpointPrintsEveryQueryTableAndKeepsItsCollection() async throws {
        let model = try TinyModel.folder().path
        let keep = try TinyModel.temporaryFolder("demo-keep").appendingPathComponent("c").path
        let result = await TinyModel.run(["demo", "--model", model, "--keep", keep])
        #expect(result.code == 0, "\(result.err)")
        #expect(result.out.hasPrefix("model       clip-tiny@sha256:"))
        #expect(result.out.contains("collection  \(keep) — 15 objects (added 6 image, 8 text, 1 video)"))
        for title in [
            "text → image: \"a photo of a cat\"", "image → image: queries/cat-closeup.jpg",
            "image → text: collection/rocket.jpg", "video → image: collection/cat-pan.y4m",
        ] {
            #expect(result.out.contains(title))
        }
        // Each table: a header and three ranked rows of the wanted modality.
        let lines = result.out.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("  rank    score  modality  name") }.count == DemoCommand.queries.count)
        #expect(lines.filter { $0.hasPrefix("     3  ") }.count == DemoCommand.queries.count)
        #expect(lines.filter { $0.hasPrefix("     4  ") }.isEmpty)
        #expect(result.out.contains("kept the collection in \(keep)"))
        #expect(result.err.isEmpty, "not a terminal: no progress, no notes")

        let again = await TinyModel.run(["demo", "--model", model, "--keep", keep])
        #expect(again.code == 0)
        #expect(again.out.contains("— 15 objects indexed in"), "a rerun adds nothing")
        #expect(
            again.out.split(separator: "\n").filter { $0.hasPrefix("     1  ") }
                == lines.filter { $0.hasPrefix("     1  ") }
        )
    }

    @Test func indexSearchAndInfo() async throws {
        let model = try TinyModel.folder().path
        let samples = try TinyModel.samples()
        let collection = try TinyModel.temporaryFolder("index").appendingPathComponent("c").path
        // A folder with the samples, a duplicate, a damaged file, a photo cut inside its scan (decoded as far as it
        // goes, as libjpeg does), an unsupported file and a sound.
        let folder = try TinyModel.temporaryFolder("input")
        try FileManager.default.copyItem(
            at: samples.appendingPathComponent("collection"),
            to: folder.appendingPathComponent("s")
        )
        try FileManager.default.copyItem(
            at: samples.appendingPathComponent("collection/cat.jpg"),
            to: folder.appendingPathComponent("copy-of-cat.jpg")
        )
        try Data([0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 0x4A, 0x46]).write(to: folder.appendingPathComponent("broken.jpg"))
        let cat = try Data(contentsOf: samples.appendingPathComponent("collection/cat.jpg"))
        try cat.prefix(cat.count * 2 / 3).write(to: folder.appendingPathComponent("cut.jpg"))
        try Data("%PDF-1.4".utf8).write(to: folder.appendingPathComponent("paper.pdf"))
        try Data(contentsOf: Fixtures.shared("media/audio/speech_dog_16k_mono_s16.wav"))
            .write(to: folder.appendingPathComponent("dog.wav"))

        let index = await TinyModel.run([
            "index", folder.path, "--collection", collection, "--model", model, "--batch-size", "4",
        ])
        #expect(index.code == 0, "\(index.err)")
        #expect(index.out.contains("indexed 16 of 20 files (7 image, 8 text, 1 video)"), "\(index.out)")
        #expect(index.out.contains("the collection holds 16 objects"))
        #expect(
            index.out.contains(
                "recovered 1 damaged file (indexed as far as it decodes, as libjpeg does): cut.jpg (premature"
            ),
            "\(index.out)"
        )
        #expect(index.out.contains("skipped 4 files:"))
        #expect(index.out.contains("1 duplicate content in this run: s/cat.jpg = copy-of-cat.jpg"))
        #expect(index.out.contains("1 not an image, sound, video or text file this library decodes: paper.pdf"))
        #expect(index.out.contains("1 damaged or truncated: broken.jpg"))
        #expect(index.out.contains("1 the model does not embed this kind of input: dog.wav (audio)"))

        let again = await TinyModel.run(["index", folder.path, "--collection", collection, "--model", model])
        #expect(again.code == 0)
        #expect(again.out.contains("indexed 0 of 20 files"))
        #expect(again.out.contains("17 already indexed (same content)"))

        let search = await TinyModel.run([
            "search", "--collection", collection, "--text", "a cat", "--model", model, "--limit", "5",
        ])
        #expect(search.code == 0, "\(search.err)")
        let rows = search.out.split(separator: "\n")
        #expect(rows.first?.hasPrefix("rank    score  modality  name") == true)
        #expect(rows.count == 6)

        let json = await TinyModel.run([
            "search", "--collection", collection, "--vector-of", "copy-of-cat.jpg", "--json", "--limit", "3",
        ])
        #expect(json.code == 0, "\(json.err)")
        let objects = try json.out.split(separator: "\n").map {
            try JSONDecoder().decode(ResultTable.Row.self, from: Data($0.utf8))
        }
        #expect(objects.map(\.rank) == [1, 2, 3])
        #expect(objects.first?.name == "copy-of-cat.jpg", "an object is nearest to itself")
        #expect(abs((objects.first?.score ?? 0) - 1) < 1e-4)
        #expect(objects == objects.sorted { $0.score > $1.score })

        let image = await TinyModel.run([
            "search", "--collection", collection, "--model", model, "--json", "--limit", "1",
            "--image", samples.appendingPathComponent("collection/horse.png").path,
        ])
        #expect(image.code == 0, "\(image.err)")
        #expect(image.out.contains("\"name\":\"s/horse.png\""), "an image's nearest neighbour is itself")

        let video = await TinyModel.run([
            "search", "--collection", collection, "--model", model, "--limit", "2",
            "--video", samples.appendingPathComponent("collection/cat-pan.y4m").path,
        ])
        #expect(video.code == 0, "\(video.err)")
        #expect(video.out.contains("video     s/cat-pan.y4m"))

        let audio = await TinyModel.run([
            "search", "--collection", collection, "--model", model,
            "--audio", try Fixtures.shared("media/audio/speech_dog_16k_mono_s16.wav").path,
        ])
        #expect(audio.code == 1)
        #expect(audio.err.hasPrefix("error: named vector \"clip\" cannot embed audio"), "\(audio.err)")

        // --where keeps only matching objects; a bad expression names what is wrong.
        let images = await TinyModel.run([
            "search", "--collection", collection, "--model", model, "--text", "a cat", "--json",
            "--where", "modality = image and bytes > 0",
        ])
        #expect(images.code == 0, "\(images.err)")
        let imageRows = try images.out.split(separator: "\n").map {
            try JSONDecoder().decode(ResultTable.Row.self, from: Data($0.utf8))
        }
        #expect(imageRows.count == 7 && imageRows.allSatisfy { $0.modality == "image" })
        let badWhere = await TinyModel.run([
            "search", "--collection", collection, "--model", model, "--text", "a", "--where", "colour = red",
        ])
        #expect(
            badWhere.code == 64 && badWhere.err.hasPrefix("error: --where: the collection has no property 'colour'")
        )
        // --hybrid with alpha 0 ranks by keywords alone and needs no model: the note about the cat comes first.
        let keywords = await TinyModel.run([
            "search", "--collection", collection, "--hybrid", "tabby cat green eyes", "--alpha", "0", "--json",
        ])
        #expect(keywords.code == 0, "\(keywords.err)")
        let keywordRows = try keywords.out.split(separator: "\n").map {
            try JSONDecoder().decode(ResultTable.Row.self, from: Data($0.utf8))
        }
        #expect(keywordRows.first?.name == "s/cat-note.txt", "\(keywords.out)")
        #expect(keywordRows.allSatisfy { $0.distance == nil && $0.keywordScore != nil })
        let hybrid = await TinyModel.run([
            "search", "--collection", collection, "--model", model, "--hybrid", "cat", "--json", "--limit", "15",
            "--where", "modality in (text, image)",
        ])
        #expect(hybrid.code == 0, "\(hybrid.err)")
        let hybridRows = try hybrid.out.split(separator: "\n").map {
            try JSONDecoder().decode(ResultTable.Row.self, from: Data($0.utf8))
        }
        #expect(!hybridRows.isEmpty && hybridRows.allSatisfy { ["text", "image"].contains($0.modality) })
        #expect(hybridRows.contains { $0.distance != nil && $0.keywordScore != nil })

        let noModel = await TinyModel.run(["search", "--collection", collection, "--text", "a cat"])
        #expect(noModel.code == 1)
        #expect(noModel.err.contains("built with a local model folder named 'clip-tiny'; pass it with --model PATH"))

        let info = await TinyModel.run(["info", "--collection", collection])
        #expect(info.code == 0, "\(info.err)")
        #expect(info.out.contains("objects     16 (image 7, text 8, video 1)"))
        #expect(info.out.contains("vector      clip: clip-tiny@sha256:"), "\(info.out)")
        #expect(info.out.contains(" (32, l2), metric cosine, index flat (exact search), sources media, text"))
        #expect(info.out.contains("disk use"))
    }

    @Test func anInterruptedRunKeepsItsBatchesAndARerunFinishes() async throws {
        let model = try TinyModel.folder().path
        let samples = try TinyModel.textFolder(10).path
        let collection = try TinyModel.temporaryFolder("interrupt").appendingPathComponent("c").path
        let first = await TinyModel.run(
            ["index", samples, "--collection", collection, "--model", model, "--batch-size", "2"],
            stopAfterBatches: 3
        )
        #expect(first.code == 130)
        #expect(first.out.contains("indexed 6 of 10 files"), "\(first.out)")
        #expect(first.err.contains("interrupted; the 6 files committed are kept"))
        let second = await TinyModel.run(["index", samples, "--collection", collection, "--model", model])
        #expect(second.code == 0)
        #expect(second.out.contains("indexed 4 of 10 files"), "\(second.out)")
        #expect(second.out.contains("6 already indexed"))
        #expect(second.out.contains("the collection holds 10 objects"))
    }

    @Test func aCollectionOfAnotherModelIsRefused() async throws {
        let model = try TinyModel.folder().path
        let other = try Fixtures.shared("models/clip-tiny-gelu-p16").path
        let samples = try TinyModel.textFolder(2).path
        let collection = try TinyModel.temporaryFolder("space").appendingPathComponent("c").path
        #expect(await TinyModel.run(["index", samples, "--collection", collection, "--model", model]).code == 0)
        let wrong = await TinyModel.run(["index", samples, "--collection", collection, "--model", other])
        #expect(wrong.code == 1)
        #expect(wrong.err.hasPrefix("error: named vector \"clip\" holds vectors of clip-tiny"), "\(wrong.err)")
        #expect(wrong.err.contains("pass the model the collection was built with (--model)"))
    }

    @Test func aCollectionInsideTheIndexedFolderIsNotIndexed() async throws {
        let model = try TinyModel.folder().path
        let folder = try TinyModel.textFolder(3)
        let collection = folder.appendingPathComponent("collection").path
        let first = await TinyModel.run(["index", folder.path, "--collection", collection, "--model", model])
        #expect(first.out.hasPrefix("indexed 3 of 3 files"), "\(first.out)")
        let second = await TinyModel.run(["index", folder.path, "--collection", collection, "--model", model])
        #expect(second.out.hasPrefix("indexed 0 of 3 files"), "\(second.out)")
    }

    @Test func progressIsDrawnOnlyOnATerminal() async throws {
        let model = try TinyModel.folder().path
        let samples = try TinyModel.textFolder(6).path
        for terminal in [false, true] {
            let collection = try TinyModel.temporaryFolder("tty").appendingPathComponent("c").path
            let run = await TinyModel.run(
                ["index", samples, "--collection", collection, "--model", model],
                terminal: terminal
            )
            #expect(run.code == 0)
            let bytes = Array(run.err.utf8)
            #expect(bytes.contains(0x0D) == terminal, "carriage returns only on a terminal")
            #expect(run.err.contains("files/s") == terminal)
            #expect(!run.out.contains("\r"))
        }
        let collection = try TinyModel.temporaryFolder("quiet").appendingPathComponent("c").path
        let quiet = await TinyModel.run(
            ["index", samples, "--collection", collection, "--model", model, "--quiet"],
            terminal: true
        )
        #expect(quiet.code == 0)
        #expect(quiet.err.isEmpty, "--quiet silences progress")
    }
}
