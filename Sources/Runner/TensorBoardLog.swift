import Data
import Foundation
import RunFolder

/// `--tensorboard`: the run's records as a TensorBoard event file, `tensorboard/events.out.tfevents.runexp`
/// in the run folder, so `tensorboard --logdir results/` shows its curves (and, at the end, its
/// images) beside other runs'. Each `metrics.jsonl` record becomes scalars at its step: a step
/// record's `loss/<phase>` and `terms/<phase.term>`, an epoch record's `epoch/<phase>` and
/// `epoch/<metric>`, the final record's `final/<metric>`.
///
/// The events carry wall-clock times, so this file, like run.json, differs run to run. On resume
/// it is written again from the records the checkpoint keeps, so no step appears twice.
final class TensorBoardLog {
    let path: String

    static let file = "tensorboard/events.out.tfevents.runexp"

    /// Starts the event file of `folder` afresh with `records`, the lines of metrics.jsonl kept so far.
    init(folder: ResultDirectory, records: [String]) throws {
        path = folder.path(Self.file)
        let now = Date().timeIntervalSince1970
        var bytes = TensorBoardEvents.fileVersion(wallTime: now)
        for line in records {
            if let record = MetricsRecord(line: line) { bytes += Self.events(record, wallTime: now) }
        }
        try folder.write(Self.file, Foundation.Data(bytes))
    }

    /// Appends the events of one metrics.jsonl record.
    func note(_ record: MetricsRecord) throws {
        let bytes = Self.events(record, wallTime: Date().timeIntervalSince1970)
        guard !bytes.isEmpty else { return }
        do {
            try AtomicFile.append(bytes, to: path)
        } catch let error as SourceError {
            throw RunError("cannot append to \(error.source): \(error.problem)")
        }
    }

    /// Appends every image of the run's `images/` folder at `step`, as TensorBoard images.
    func addImages(of folder: ResultDirectory, step: Int) throws {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path("images"))) ?? [])
            .filter { $0.hasSuffix(".png") }.sorted()
        var bytes: [UInt8] = []
        for name in names {
            let png = [UInt8](try Foundation.Data(contentsOf: URL(fileURLWithPath: folder.path("images/\(name)"))))
            guard let size = Self.pngSize(png) else { continue }
            bytes += TensorBoardEvents.image(
                "images/" + String(name.dropLast(4)), png: png, height: size.height, width: size.width, step: step,
                wallTime: Date().timeIntervalSince1970)
        }
        if !bytes.isEmpty { try AtomicFile.append(bytes, to: path) }
    }

    /// The events of a metrics.jsonl record: its scalars under their tags.
    static func events(_ record: MetricsRecord, wallTime: Double) -> [UInt8] {
        let group = { (values: [String: Double], prefix: String) -> [(String, Double)] in
            values.keys.sorted().map { key in ("\(prefix)/\(key)", values[key]!) }
        }
        let measured = Dictionary(uniqueKeysWithValues: record.values.map { ($0.key.name, $0.value) })
        let scalars: [(String, Double)]
        switch record.kind {
        case .step: scalars = group(record.losses, "loss") + group(record.terms, "terms")
        case .epoch: scalars = group(record.losses, TensorBoardTags.epoch) + group(measured, TensorBoardTags.epoch)
        case .final: scalars = group(measured, TensorBoardTags.final)
        }
        return scalars.flatMap { tag, value in
            TensorBoardEvents.scalar(tag, Float(value), step: record.step, wallTime: wallTime)
        }
    }

    /// A PNG's width and height, from its IHDR chunk.
    static func pngSize(_ png: [UInt8]) -> (height: Int, width: Int)? {
        guard png.count >= 24, png.starts(with: [0x89, 0x50, 0x4E, 0x47]) else { return nil }
        let number = { (offset: Int) in png[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) } }
        return (number(20), number(16))
    }
}

/// The groups of `--tensorboard`'s scalar tags that a study's HParams metrics name: an epoch
/// record's phase losses and metrics under `epoch/`, the final record's under `final/`.
public enum TensorBoardTags {
    public static let epoch = "epoch"
    public static let final = "final"
}
