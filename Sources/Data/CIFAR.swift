import Foundation

/// CIFAR-10 and CIFAR-100 as their authors distribute them, with the official train/test split:
/// the Python version (pickled dicts, run by the restricted pickle machine, which executes nothing)
/// or the binary version (fixed-size records). CIFAR-100's labels are its 100 fine classes.
public enum CIFAR {
    /// Which of the two sets.
    public enum Kind: String, Sendable {
        case cifar10, cifar100

        var classes: Int { self == .cifar10 ? 10 : 100 }
        /// The folders the downloads unpack to, looked for inside the folder a spec names.
        var folders: [String] {
            self == .cifar10
                ? ["cifar-10-batches-py", "cifar-10-batches-bin"] : ["cifar-100-python", "cifar-100-binary"]
        }
        var pickled: (train: [String], test: String, meta: String, labels: String, names: String) {
            self == .cifar10
                ? ((1...5).map { "data_batch_\($0)" }, "test_batch", "batches.meta", "labels", "label_names")
                : (["train"], "test", "meta", "fine_labels", "fine_label_names")
        }
        var binary: (train: [String], test: String, names: String, labelOffset: Int) {
            self == .cifar10
                ? ((1...5).map { "data_batch_\($0).bin" }, "test_batch.bin", "batches.meta.txt", 0)
                : (["train.bin"], "test.bin", "fine_label_names.txt", 1)
        }
    }

    /// The official splits and, where the folder has its meta file, the class names.
    public struct Splits: Sendable {
        /// The training batches, uint8 N×32×32×3.
        public var train: LabeledImages
        /// The test batch.
        public var test: LabeledImages
        /// The class names, label 0 first; nil without the meta file.
        public var classNames: [String]?
    }

    /// Reads `directory`, or the download's folder inside it, in whichever version it holds.
    public static func read(_ directory: String, kind: Kind) throws -> Splits {
        let candidates =
            [directory] + kind.folders.map { URL(fileURLWithPath: directory).appendingPathComponent($0).path }
        for folder in candidates {
            let names = Set((try? folderEntries(folder)) ?? [])
            if names.contains(kind.pickled.test) { return try readPickled(folder, kind: kind) }
            if names.contains(kind.binary.test) { return try readBinary(folder, kind: kind) }
        }
        _ = try folderEntries(directory)  // a missing folder or a file says so
        let (pickled, binary) = (kind.pickled, kind.binary)
        throw SourceError(
            directory,
            "no \(kind.rawValue) batches: expected \((pickled.train + [pickled.test]).joined(separator: ", ")) "
                + "(the Python version) or \((binary.train + [binary.test]).joined(separator: ", ")) (the binary "
                + "version), here or in \(kind.folders.joined(separator: " or "))")
    }

    static func path(_ folder: String, _ name: String) -> String {
        URL(fileURLWithPath: folder).appendingPathComponent(name).path
    }

    /// Batches as N rows of 3072 bytes (the red plane, then green, then blue, each 32×32 row by
    /// row) turned into N×32×32×3 images.
    static func images(rows: [UInt8], labels: [UInt8], source: String) throws -> LabeledImages {
        let count = labels.count
        var pixels = [UInt8](repeating: 0, count: count * 3072)
        for image in 0..<count {
            for pixel in 0..<1024 {
                for channel in 0..<3 {
                    pixels[image * 3072 + pixel * 3 + channel] = rows[image * 3072 + channel * 1024 + pixel]
                }
            }
        }
        let array = NumericArray(validatedShape: [count, 32, 32, 3], dtype: .uint8, bytes: pixels)
        return try LabeledImages(images: array, labels: labels, source: source)
    }

    static func checkLabels(_ labels: [UInt8], kind: Kind, source: String) throws {
        if let bad = labels.firstIndex(where: { Int($0) >= kind.classes }) {
            throw SourceError(
                source, "label \(bad) is \(labels[bad]); \(kind.rawValue) has classes 0 to \(kind.classes - 1)")
        }
    }

    // MARK: The binary version

    static func readBinary(_ folder: String, kind: Kind) throws -> Splits {
        let layout = kind.binary
        func batches(_ names: [String]) throws -> LabeledImages {
            var (rows, labels) = ([UInt8](), [UInt8]())
            for name in names {
                let file = path(folder, name)
                let data = try readFile(file)
                let record = 3072 + layout.labelOffset + 1
                guard data.count % record == 0, !data.isEmpty else {
                    throw SourceError(
                        file, "\(data.count) bytes is not a whole number of \(record)-byte records (label, 3072 pixels)"
                    )
                }
                data.withUnsafeBytes { bytes in
                    for start in stride(from: 0, to: bytes.count, by: record) {
                        labels.append(bytes[start + layout.labelOffset])
                        rows += bytes[(start + record - 3072)..<(start + record)]
                    }
                }
                try checkLabels(labels, kind: kind, source: file)
            }
            return try images(rows: rows, labels: labels, source: folder)
        }
        let names = try? String(contentsOfFile: path(folder, layout.names), encoding: .utf8)
            .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return Splits(
            train: try batches(layout.train), test: try batches([layout.test]),
            classNames: names?.count == kind.classes ? names : nil)
    }
}
