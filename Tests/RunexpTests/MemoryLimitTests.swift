import Data
import Foundation
import Testing

/// Commands under an address-space limit (`ulimit -v`), through the binary. A run is refused before
/// anything is allocated, finishes, or fails with `out of memory` in its message and its run.json;
/// it is never ended by the allocator (Swift traps where an allocation fails). A data file larger
/// than the limit is inspected a piece at a time, and where it must be read whole the refusal
/// speaks of memory.
struct MemoryLimitTests {
    /// An adversarial autoencoder whose encoder two phases update, and an autoencoder with one wide
    /// layer (the 150,000-unit layer of issue 30 in small): both trained an epoch under a limit
    /// that let them start, then died in `Checkpoint.save`, which held the checkpoint whole in
    /// memory three times over. The AAE with one wide layer in its encoder died before its first
    /// epoch ended: the memory check counted Adam's moments once, not once per phase.
    static let specs = [
        "aae": """
        name: aae
        data: {source: {npy: d.npy}, shape: [784]}
        prior: {normal: {dim: 8}}
        networks:
          encoder: {layers: [dense: 1000, relu, dense: 1000, relu, dense: 8]}
          decoder: {layers: [dense: 1000, relu, dense: 1000, relu, dense: 784, sigmoid]}
          discriminator: {layers: [dense: 1000, relu, dense: 1000, relu, dense: 1]}
        phases:
          - {name: reconstruction, loss: "mse(decoder(encoder(x)), x)", update: [encoder, decoder]}
          - name: discriminator
            loss: bce_logits(discriminator(z), 1) + bce_logits(discriminator(encoder(x)), 0)
            update: [discriminator]
          - {name: generator, loss: "bce_logits(discriminator(encoder(x)), 1)", update: [encoder]}
        train: {epochs: 1, batch_size: 30}
        outputs: [curves]
        """,
        "aae-wide": """
        name: aae_wide
        data: {source: {npy: d.npy}, shape: [784]}
        prior: {normal: {dim: 8}}
        networks:
          encoder: {layers: [dense: 20000, relu, dense: 8]}
          decoder: {layers: [dense: 64, relu, dense: 784, sigmoid]}
          discriminator: {layers: [dense: 64, relu, dense: 1]}
        phases:
          - {name: reconstruction, loss: "mse(decoder(encoder(x)), x)", update: [encoder, decoder]}
          - name: discriminator
            loss: bce_logits(discriminator(z), 1) + bce_logits(discriminator(encoder(x)), 0)
            update: [discriminator]
          - {name: generator, loss: "bce_logits(discriminator(encoder(x)), 1)", update: [encoder]}
        train: {epochs: 1, batch_size: 30}
        outputs: [curves]
        """,
        "wide": """
        name: wide
        data: {source: {npy: d.npy}, shape: [784]}
        networks:
          encoder: {layers: [dense: 20000, relu, dense: 8]}
          decoder: {layers: [dense: 784, sigmoid]}
        phases:
          - {name: reconstruction, loss: "mse(decoder(encoder(x)), x)", update: [encoder, decoder]}
        train: {epochs: 1, batch_size: 30}
        outputs: [curves]
        """,
    ]

    /// Runs `runexp ARGUMENTS` (a shell word list) in `scratch` under `ulimit -v kilobytes`.
    static func run(_ arguments: String, limit kilobytes: Int, in scratch: Scratch) throws -> RunexpBinary.Outcome {
        try RunexpBinary.run(
            ["-c", "ulimit -v \(kilobytes); exec \"$0\" \(arguments)", RunexpBinary.executable.path],
            in: scratch.url, timeout: 300, executable: URL(fileURLWithPath: "/bin/bash"))
    }

    static func status(_ folder: URL) -> String? {
        let data = try? Data(contentsOf: folder.appendingPathComponent("run.json"))
        let run = data.flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        return run?["status"] as? String
    }

    /// Raises the limit in steps of 20 MiB from one the run is refused under, the boundary being
    /// wherever this build and machine put it, through the first limits under which it trains.
    @Test(arguments: ["aae", "wide", "aae-wide"])
    func aRunUnderAMemoryLimitIsRefusedUpFrontFinishesOrFailsSayingSoAndIsNeverKilled(_ name: String) throws {
        let scratch = try Scratch()
        try scratch.writeImages(count: 60)
        try scratch.write("\(name).yaml", Self.specs[name]! + "\n")
        var limit = 200_000
        var trained = 0
        while trained < 3 && limit < 8_000_000 {
            limit += 20_480
            let out = "limit\(limit)"
            let folder = scratch.url.appendingPathComponent(out)
            let outcome = try Self.run("\(name).yaml --out \(out)", limit: limit, in: scratch)
            let said = "\(limit) KiB: status \(outcome.status): \(outcome.stderr.suffix(400))"
            #expect(!outcome.signaled, "ended by a signal: \(said)")
            if outcome.status == 2 {
                #expect(outcome.stderr.contains("error: out of memory: "), "\(said)")
                #expect(!FileManager.default.fileExists(atPath: folder.path), "\(said)")
                continue
            }
            trained += 1
            if outcome.status == 0 && !outcome.signaled {
                #expect(Self.status(folder) == "complete", "\(said)")
                return
            }
            Scratch.expectEveryFileIsWhole(folder)
            #expect(outcome.status == 1, "\(said)")
            #expect(
                outcome.stderr.contains("error: out of memory") || outcome.stderr.contains("error: cannot write"),
                "\(said)")
            #expect(
                Self.status(folder)?.hasPrefix("failed: ") == true,
                "\(said); run.json: \(Self.status(folder) ?? "none")")
        }
        #expect(trained > 0, "no limit up to \(limit) KiB let the run start")
    }

    /// A `.npy` header for float64 `[rows, 784]`, then a hole to the file's full length: 256 MiB
    /// of zeros that take no disk and no time to write, more than the limits below let be mapped.
    static func writeSparseArray(_ scratch: Scratch, name: String, rows: Int = 42_800) throws {
        var header = "{'descr': '<f8', 'fortran_order': False, 'shape': (\(rows), 784), }"
        header += String(repeating: " ", count: (64 - (10 + header.utf8.count + 1) % 64) % 64) + "\n"
        let length = header.utf8.count
        let bytes =
            [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(header.utf8)
        try scratch.write(name, bytes)
        #expect(truncate(scratch.path(name), off_t(bytes.count + rows * 784 * 8)) == 0)
    }

    /// `data inspect` read the whole file (18.4 GB of memory for a 9.4 GB file); under a limit
    /// smaller than the file it said "Input/output error".
    @Test func inspectSummarizesAnNpyFileLargerThanTheMemoryLimitAPieceAtATime() throws {
        let scratch = try Scratch()
        try Self.writeSparseArray(scratch, name: "big.npy")
        let outcome = try Self.run("data inspect big.npy", limit: 250_000, in: scratch)
        #expect(!outcome.signaled && outcome.status == 0, "status \(outcome.status): \(outcome.stderr.suffix(400))")
        #expect(outcome.stdout.contains("array: float64 [42800, 784], min 0, max 0, mean 0"), "\(outcome.stdout)")
    }

    @Test func aDataFileLargerThanTheMemoryLimitIsRefusedForMemoryNotAsAnInputOutputError() throws {
        let scratch = try Scratch()
        try Self.writeSparseArray(scratch, name: "big.npy")
        try scratch.write("big.yaml", Self.specs["wide"]!.replacingOccurrences(of: "d.npy", with: "big.npy") + "\n")
        let outcome = try Self.run("check big.yaml", limit: 250_000, in: scratch)
        #expect(!outcome.signaled && outcome.status == 2, "status \(outcome.status): \(outcome.stderr.suffix(400))")
        #expect(
            outcome.stderr.contains("big.npy: out of memory: cannot read the file's 256 MiB into the "),
            "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("Input/output error"), "\(outcome.stderr)")
    }
}
