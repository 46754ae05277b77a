import Analysis
import Data
import Foundation
import Report
import Spec
import RunFolder
import Runner

/// `runexp diff A B`: what differs between two result directories.
public struct RunDiff: Sendable {
    /// A spec value that differs: its key path and both values (nil where absent).
    public typealias Change = RunFiles.Change

    /// A metric in either run, with both values.
    public struct Metric: Sendable {
        public var key: String
        public var a: Double?
        public var b: Double?
        public var differs: Bool
    }

    /// An image both runs wrote, compared pixel by pixel.
    public struct Image: Sendable {
        public var path: String
        /// Infinite when identical; nil when the sizes differ.
        public var psnr: Double?
        public var a: NumericArray
        public var b: NumericArray
    }

    public var a: String
    public var b: String
    public var specChanges: [Change] = []
    public var environment: [Change] = []
    public var metrics: [Metric] = []
    /// Metrics that are text, such as the parameter digest, when they differ.
    public var textMetrics: [Change] = []
    public var images: [Image] = []
    /// Images only one run has.
    public var unmatchedImages: [String] = []
    /// Why the images were not compared, when the two runs do not show the same inputs (another
    /// seed draws other test images and prior samples; other data holds other images).
    public var imagesNotCompared: String?
    /// Why the runs may differ in their last bits although spec and seed agree (other kernels or
    /// thread counts), when they may.
    public var arithmeticNote: String?

    /// True when the specs, metrics (within the tolerance) and images agree.
    public var identical: Bool {
        specChanges.isEmpty && unmatchedImages.isEmpty && textMetrics.isEmpty && !metrics.contains(where: \.differs)
            && images.allSatisfy { $0.psnr == .infinity }
    }

    /// Compares the result directories `a` and `b`; `tolerance` is the largest relative difference
    /// of a metric that still counts as equal (0: exact).
    public static func compare(_ a: String, _ b: String, tolerance: Double) throws -> RunDiff {
        var diff = RunDiff(a: a, b: b)
        diff.specChanges = RunFiles.changes(try resolved(a), try resolved(b))
        diff.environment = RunFiles.changes(try environment(a), try environment(b))
        if let x = ArithmeticSetup.recorded(in: URL(fileURLWithPath: "\(a)/run.json")),
            let y = ArithmeticSetup.recorded(in: URL(fileURLWithPath: "\(b)/run.json"))
        {
            diff.arithmeticNote = ArithmeticSetup.expectedDifference(x, y)
        }
        let ma = try numbers(a), mb = try numbers(b)
        diff.metrics = Set(ma.keys).union(mb.keys).sorted().map { key in
            let x = ma[key], y = mb[key]
            var differs = x == nil || y == nil
            if let x, let y, x != y { differs = abs(x - y) > tolerance * max(abs(x), abs(y)) || tolerance == 0 }
            return Metric(key: key, a: x, b: y, differs: differs)
        }
        diff.textMetrics = RunFiles.changes(try texts(a), try texts(b))
        let seeds = (seed(a), seed(b))
        let dataChanges = diff.specChanges.filter { $0.key.hasPrefix("data.") }.map(\.key)
        if seeds.0 != seeds.1 {
            diff.imagesNotCompared =
                "the runs show different inputs (seed \(seeds.0.map(String.init) ?? "?") and \(seeds.1.map(String.init) ?? "?"))"
        } else if !dataChanges.isEmpty {
            diff.imagesNotCompared = "the runs read different data (\(dataChanges.joined(separator: ", ")))"
        }
        let ia = Set(pngs(a)), ib = Set(pngs(b))
        diff.unmatchedImages = diff.imagesNotCompared == nil ? ia.symmetricDifference(ib).sorted() : []
        for path in ia.intersection(ib).sorted() where diff.imagesNotCompared == nil {
            let x = try PNGImage.readRGB(path: "\(a)/\(path)"), y = try PNGImage.readRGB(path: "\(b)/\(path)")
            let psnr =
                x.shape == y.shape
                ? try ImageMetrics.psnr(x.floats().map { $0 / 255 }, y.floats().map { $0 / 255 }) : nil
            diff.images.append(Image(path: path, psnr: psnr, a: x, b: y))
        }
        return diff
    }

    /// The resolved spec by key path (`SpecKeyPath`), as diff and compare print them.
    static func resolved(_ folder: String) throws -> [(path: String, value: String)] {
        try RunFiles.resolvedValues(URL(fileURLWithPath: folder))
    }

    /// The facts of run.json that say where and with what the run was made, as text.
    static func environment(_ folder: String) throws -> [(path: String, value: String)] {
        let run = try RunFiles.facts(URL(fileURLWithPath: folder))
        return (["runexp_version", "code_digest", "blas", "cpu", "host", "status"] + ArithmeticSetup.factKeys)
            .compactMap { key in
                switch run[key] {
                case .string(let s)?: (key, s)
                case .integer(let i)?: (key, String(i))
                default: nil
                }
            }
    }

    /// Every number in `metrics.json`, by key.
    static func numbers(_ folder: String) throws -> [String: Double] {
        try RunFiles.numericMetrics(URL(fileURLWithPath: folder))
    }

    /// The text values of `metrics.json` (the parameter digest), by key.
    static func texts(_ folder: String) throws -> [(path: String, value: String)] {
        let members = (try? RunFiles.metrics(URL(fileURLWithPath: folder))) ?? [:]
        return members.compactMap { key, value in value.stringValue.map { (key, $0) } }
    }

    /// The run's seed, from its run.json.
    static func seed(_ folder: String) -> Int? {
        guard case .integer(let seed)? = (try? RunFiles.facts(URL(fileURLWithPath: folder)))?["seed"] else {
            return nil
        }
        return seed
    }

    /// The images a run drew of its inputs. Plots are not compared pixel by pixel: their
    /// differences are the metrics' and curves', which the comparison shows as numbers and overlays.
    static func pngs(_ folder: String) -> [String] {
        ["images"].flatMap { sub in
            ((try? FileManager.default.contentsOfDirectory(atPath: "\(folder)/\(sub)")) ?? [])
                .filter { $0.hasSuffix(".png") }.map { "\(sub)/\($0)" }
        }
    }
}
