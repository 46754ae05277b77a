import Foundation
import Testing

/// `--tensorboard`: the run's records as an event file TensorBoard reads.
struct TensorBoardRunTests {
    /// A protocol buffer message's fields: number and value (a varint, or the bytes of the rest).
    static func fields(_ data: ArraySlice<UInt8>) -> [(Int, UInt64, ArraySlice<UInt8>)] {
        var result: [(Int, UInt64, ArraySlice<UInt8>)] = []
        var index = data.startIndex
        func varint() -> UInt64 {
            var value: UInt64 = 0, shift: UInt64 = 0
            while true {
                let byte = data[index]
                index += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
        }
        while index < data.endIndex {
            let key = varint()
            switch key & 7 {
            case 0: result.append((Int(key >> 3), varint(), []))
            case 1, 5:
                let size = key & 7 == 1 ? 8 : 4
                result.append((Int(key >> 3), 0, data[index..<(index + size)]))
                index += size
            default:
                let length = Int(varint())
                result.append((Int(key >> 3), 0, data[index..<(index + length)]))
                index += length
            }
        }
        return result
    }

    /// The steps of each tag in an event file (scalars and images).
    static func tags(_ path: String) throws -> [String: [Int]] {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        var tags: [String: [Int]] = [:]
        var offset = 0
        while offset < bytes.count {
            let length = bytes[offset..<(offset + 8)].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
            let event = fields(bytes[(offset + 12)..<(offset + 12 + length)])
            offset += 12 + length + 4
            let step = Int(event.first { $0.0 == 2 }?.1 ?? 0)
            for summary in event where summary.0 == 5 {
                for value in fields(summary.2) where value.0 == 1 {
                    guard let tag = fields(value.2).first(where: { $0.0 == 1 }) else { continue }
                    tags[String(decoding: tag.2, as: UTF8.self), default: []].append(step)
                }
            }
        }
        return tags
    }

    @Test func aRunWithTensorBoardWritesItsLossesMetricsAndImagesAsEvents() throws {
        let scratch = try Scratch()
        try scratch.write(
            "a.yaml",
            EvaluationPolicyTests.spec().replacingOccurrences(
                of: "train: {epochs: 6, batch_size: 8}",
                with: "train: {epochs: 6, batch_size: 8}\noutputs: [curves, reconstructions: {split: validation}]"))
        let outcome = try RunexpBinary.run(["a.yaml", "--out", "run", "--tensorboard"], in: scratch.url)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let path = scratch.path("run/tensorboard/events.out.tfevents.runexp")
        let tags = try Self.tags(path)
        #expect(tags["epoch/validation_mse"] == [6, 12, 18, 24, 30, 36])
        #expect(tags["final/train_mse"] == [36])
        #expect(tags["loss/r"]?.count == 36)
        #expect(tags["images/reconstructions"] == [36])
        // TensorBoard's own loader, where it is installed.
        let python = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".venv-torch/bin/python")
        guard FileManager.default.isExecutableFile(atPath: python.path) else { return }
        let check = Process()
        check.executableURL = python
        check.arguments = [
            "-c",
            """
            import sys
            try:
                from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
            except ImportError:
                sys.exit(3)
            a = EventAccumulator(sys.argv[1]); a.Reload()
            print(len(a.Scalars('loss/r')), a.Scalars('final/train_mse')[0].step, len(a.Images('images/reconstructions')))
            """, path,
        ]
        let output = Pipe()
        check.standardOutput = output
        try check.run()
        check.waitUntilExit()
        guard check.terminationStatus != 3 else { return }
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(check.terminationStatus == 0 && printed == "36 36 1\n", "\(printed)")
    }
}
