import Data
import Foundation
import Runner
import Spec

/// Every fuzz target: the spec reader with `check`'s validation, the loss-expression parser, each
/// file reader a user's data reaches (`.npy`, `.npz`, the homework pickle, IDX, PNG and the
/// safetensors checkpoints `--resume` reads), and the study files (`StudyTargets.swift`).
public enum FuzzTargets {
    /// All targets, in the order `runexp-fuzz --target all` runs them.
    public static let all: [FuzzTarget] = [
        spec, expression, npy, npz, pickle, cifar, idx, png, pngImage, jpeg, safetensors, study, sbatch, compare,
    ]

    /// The target called `name`.
    public static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }

    static func utf8(_ texts: [String]) -> [[UInt8]] { texts.map { Array($0.utf8) } }

    static func isSourceError(_ error: any Error) -> Bool { error is SourceError }

    /// A spec as `runexp check` reads it: YAML, `--set` overrides (leading `#! key=value` lines), the
    /// typed spec, names, shapes and the memory bound, then the printed report. What it accepts must
    /// survive a round trip through `resolved.yaml`, which runs save and `diff` and `--resume` read.
    public static let spec = FuzzTarget(
        name: "spec", summary: "YAML spec text through SpecLoader, --set overrides, SpecCheck.validate and the report",
        seeds: utf8(SeedTexts.specs), dictionary: utf8(SeedTexts.specTokens), maxLength: 8192,
        isExpected: { error in
            guard let problems = error as? SpecProblems, !problems.diagnostics.isEmpty else { return false }
            return problems.diagnostics.allSatisfy { diagnostic in
                ["fuzz.yaml:", "(default)", "--set ", "--seed "].contains { diagnostic.description.hasPrefix($0) }
            }
        },
        body: { bytes in
            let text = String(decoding: bytes, as: UTF8.self)
            let overrides = text.split(separator: "\n", omittingEmptySubsequences: false)
                .prefix { $0.hasPrefix("#! ") }.map { String($0.dropFirst(3)) }
            let checked = try SpecLoader.load(text: text, file: "fuzz.yaml", overrides: overrides)
                .flatMap { SpecCheck.validate($0) }.get()
            _ = SpecCheck.report(checked)
            try expectResolvedRoundTrip(checked.spec)
        })

    /// The resolved spec, written out, reads back (with and without origin comments) to itself.
    static func expectResolvedRoundTrip(_ spec: ExperimentSpec) throws {
        let resolved = ResolvedWriter(showOrigins: false).write(spec.resolved)
        let annotated = ResolvedWriter(showOrigins: true).write(spec.resolved)
        for (text, kind) in [(resolved, "resolved"), (annotated, "annotated resolved")] {
            switch SpecLoader.load(text: text, file: "resolved.yaml") {
            case .failure(let problems):
                throw FuzzInvariantBroken("the \(kind) spec does not load again: \(problems)\n\(text)")
            case .success(let again):
                let rewritten = ResolvedWriter(showOrigins: false).write(again.resolved)
                guard rewritten == resolved else {
                    throw FuzzInvariantBroken(
                        "the \(kind) spec changes when read back:\n\(resolved)\n---\n\(rewritten)")
                }
            }
        }
    }

    /// A loss expression alone, as a phase's `loss:` holds it.
    public static let expression = FuzzTarget(
        name: "expression", summary: "loss-expression text through LossExpressionParser",
        seeds: utf8(SeedTexts.expressions), dictionary: utf8(SeedTexts.expressionTokens), maxLength: 1024,
        isExpected: { error in (error as? Diagnostic)?.description.hasPrefix("fuzz.yaml:") == true },
        body: { bytes in
            let origin = Origin.file(SourceLocation(file: "fuzz.yaml", line: 3, column: 11))
            let expression = try LossExpressionParser.parse(String(decoding: bytes, as: UTF8.self), origin: origin)
                .get()
            // What `check` prints must parse back to the same expression.
            let again = try LossExpressionParser.parse(expression.text, origin: origin).get()
            guard again.text == expression.text else {
                throw FuzzInvariantBroken("'\(expression.text)' reads back as '\(again.text)'")
            }
        })

    /// A `.npy` file through both entry points, which must agree, then as images and as a summary.
    public static let npy = FuzzTarget(
        name: "npy", summary: ".npy bytes through NPY.read(data:) and NPY.read(taking:), PlainImages and ArraySummary",
        seeds: [
            SeedFiles.npyUint8Images, SeedFiles.npyFloat32Rows, SeedFiles.npyFloat64BigFortran,
            SeedFiles.npyInt16Version2, SeedFiles.npyBoolVersion3, SeedFiles.npyLabelsInt64, SeedFiles.npyScalar,
        ], dictionary: utf8(FormatTokens.npy), maxLength: 4096, isExpected: isSourceError,
        body: { bytes in
            let array = try NPY.read(data: Data(bytes), source: "fuzz.npy")
            let adopted = try NPY.read(taking: bytes, source: "fuzz.npy")
            guard adopted == array else { throw FuzzInvariantBroken("read(data:) and read(taking:) disagree") }
            try useAsImages(array)
        })

    /// A `.npz` archive (zip, stored or deflated, zip64) and each member as images.
    public static let npz = FuzzTarget(
        name: "npz", summary: ".npz bytes through NPZ.read(data:) (zip, zip64, deflate) and PlainImages",
        seeds: [SeedFiles.npzStoredSplits, SeedFiles.npzDeflatedSplits],
        dictionary: FormatTokens.zip + utf8(FormatTokens.npy), maxLength: 8192, repair: ChecksumRepair.zip,
        isExpected: isSourceError,
        body: { bytes in
            for member in try NPZ.read(data: Data(bytes), source: "fuzz.npz") { try useAsImages(member.array) }
        })

    /// The assignment's `MNIST_M.npy`: an object array whose pickle the restricted machine runs.
    public static let pickle = FuzzTarget(
        name: "pickle",
        summary: "homework .npy object arrays through HomeworkDataset.read (the restricted pickle machine)",
        seeds: [
            SeedFiles.homeworkProtocol2, SeedFiles.homeworkProtocol3, SeedFiles.homeworkProtocol4,
            SeedFiles.homeworkProtocol5, SeedFiles.homeworkOneHotProtocol4,
        ], dictionary: FormatTokens.pickle, maxLength: 8192, isExpected: isSourceError,
        body: { bytes in _ = try HomeworkDataset.read(data: Data(bytes), source: "fuzz.npy") })

    /// An IDX file, plain or gzipped.
    public static let idx = FuzzTarget(
        name: "idx", summary: "IDX bytes, plain or gzipped, through IDX.read(data:)",
        seeds: [SeedFiles.idxImages, SeedFiles.idxLabelsGz, SeedFiles.idxFloat32Gz, SeedFiles.idxInt16],
        dictionary: FormatTokens.idx, maxLength: 4096, isExpected: isSourceError,
        body: { bytes in _ = try IDX.read(data: Data(bytes), source: "fuzz-idx3-ubyte") })

    /// A PNG photo, as the MNIST-M recipe reads backgrounds.
    public static let png = FuzzTarget(
        name: "png", summary: "PNG bytes through PNGImage.readRGB(data:) (libpng inside Cairo)",
        seeds: [
            SeedFiles.pngRGB, SeedFiles.pngRGBA, SeedFiles.pngGray, SeedFiles.pngGrayAlpha, SeedFiles.pngPalette,
            SeedFiles.pngRGB16, SeedFiles.pngGray1, SeedFiles.pngInterlaced,
        ], dictionary: FormatTokens.png, maxLength: 4096, repair: ChecksumRepair.png, isExpected: isSourceError,
        body: { bytes in _ = try PNGImage.readRGB(data: Data(bytes), source: "fuzz.png") })

    /// A safetensors file, as `--resume` reads checkpoints; what it accepts must write back the same.
    public static let safetensors = FuzzTarget(
        name: "safetensors", summary: "safetensors bytes through SafeTensors.decode, then an encode/decode round trip",
        seeds: SafeTensorsSeeds.all, dictionary: utf8(FormatTokens.safetensors), maxLength: 4096,
        isExpected: isSourceError,
        body: { bytes in
            let contents = try SafeTensors.decode(bytes: bytes, source: "fuzz.safetensors")
            let written = try SafeTensors.encode(contents.tensors, metadata: contents.metadata)
            let again = try SafeTensors.decode(bytes: written, source: "rewritten")
            // The writer orders tensors by name; the file may have had another order.
            func byName(_ tensors: [NamedArray]) -> [NamedArray] { tensors.sorted { $0.name < $1.name } }
            guard byName(again.tensors) == byName(contents.tensors), again.metadata == contents.metadata else {
                throw FuzzInvariantBroken("an accepted file does not survive an encode/decode round trip")
            }
        })

    /// Images as a data source uses them; a refusal there is the images' own, and fine.
    static func useAsImages(_ array: NumericArray) throws {
        _ = ArraySummary(name: "fuzz", array: array).description
        do {
            _ = try PlainImages.normalize(array, source: "fuzz")
        } catch is SourceError {}
    }
}
