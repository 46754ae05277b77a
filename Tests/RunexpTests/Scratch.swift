import Data
import Foundation
import Kernels
import Testing

/// A fresh temporary folder for one robustness test, with what it takes to prove a command wrote
/// nothing outside its output folder and left no file half-written.
struct Scratch {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("runexp-robust-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Writes `bytes` to `name`, creating its folder.
    func write(_ name: String, _ bytes: [UInt8]) throws {
        let target = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(
            at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: target)
    }

    func write(_ name: String, _ text: String) throws { try write(name, Array(text.utf8)) }

    /// Every file and folder below the scratch folder, as paths relative to it.
    func listing() -> Set<String> {
        let enumerator = FileManager.default.enumerator(atPath: url.path)
        var paths = Set<String>()
        while let path = enumerator?.nextObject() as? String { paths.insert(path) }
        return paths
    }

    /// A plain-array data set of `count` random 28×28 digits-like images and their labels, made
    /// from `seed`: `d.npy` (uint8 N×784) and `l.npy`.
    func writeImages(count: Int, seed: UInt64 = 1) throws {
        var random = RandomStream(seed: seed, name: "scratch images")
        let pixels = (0..<(count * 784)).map { _ in UInt8(random.nextInt(below: 256)) }
        try NPY.write(try NumericArray(shape: [count, 784], elements: pixels), to: path("d.npy"))
        let labels = (0..<count).map { UInt8($0 % 10) }
        try NPY.write(try NumericArray(shape: [count], elements: labels), to: path("l.npy"))
    }

    /// Records an issue for every file under `folder` that is not whole: JSON that does not parse,
    /// a log line that does not, a PNG without its end chunk, an SVG or page cut short, a
    /// safetensors or `.npy` file its reader refuses, and any temporary file left behind.
    static func expectEveryFileIsWhole(_ folder: URL, allowTemporary: Bool = false) {
        let enumerator = FileManager.default.enumerator(atPath: folder.path)
        while let name = enumerator?.nextObject() as? String {
            let url = folder.appendingPathComponent(name)
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue else {
                continue
            }
            if url.lastPathComponent.hasPrefix(".") {
                if !allowTemporary { Issue.record("temporary file left behind: \(name)") }
                continue
            }
            guard let bytes = try? Data(contentsOf: url) else {
                Issue.record("cannot read \(name)")
                continue
            }
            if let problem = wholeness(of: bytes, named: name) { Issue.record("\(name): \(problem)") }
        }
    }

    static func wholeness(of bytes: Data, named name: String) -> String? {
        let text = String(decoding: bytes, as: UTF8.self)
        switch URL(fileURLWithPath: name).pathExtension {
        case "json":
            return (try? JSONSerialization.jsonObject(with: bytes)) == nil ? "JSON does not parse" : nil
        case "jsonl":
            let bad = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().first {
                (try? JSONSerialization.jsonObject(with: Data($0.utf8))) == nil
            }
            if !text.isEmpty && !text.hasSuffix("\n") { return "the last line is cut short" }
            return bad.map { "line does not parse: \($0.prefix(80))" }
        case "png":
            return bytes.suffix(8).elementsEqual([0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]) ? nil : "no IEND"
        case "svg": return text.hasSuffix("</svg>\n") || text.hasSuffix("</svg>") ? nil : "SVG cut short"
        case "html": return text.contains("</html>") ? nil : "page cut short"
        case "yaml": return text.hasSuffix("\n") ? nil : "YAML cut short"
        case "safetensors":
            return (try? SafeTensors.decode(bytes: bytes, source: name)) == nil ? "safetensors refused" : nil
        case "npy": return (try? NPY.read(data: bytes, source: name)) == nil ? ".npy refused" : nil
        default: return "a file of a kind this check does not know"
        }
    }

    /// The files two result folders must share byte for byte after a resume.
    static let comparedFiles = [
        "metrics.json", "metrics.jsonl", "checkpoint/parameters.safetensors", "checkpoint/training.safetensors",
        "plots/curves.svg", "plots/mse.svg", "images/reconstructions.png",
    ]

    /// Records an issue for each compared file that differs between `a` and `b`.
    static func expectSameResults(_ a: URL, _ b: URL, files: [String] = comparedFiles) {
        for name in files {
            let left = try? Data(contentsOf: a.appendingPathComponent(name))
            let right = try? Data(contentsOf: b.appendingPathComponent(name))
            #expect(left != nil && left == right, "\(name) differs (or is missing) between \(a.path) and \(b.path)")
        }
    }
}
