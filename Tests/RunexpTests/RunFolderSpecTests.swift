import Data
import Foundation
import Testing

/// `apply` and `export` build a run's networks from the run folder's own resolved spec, never from
/// the spec file it was trained from (which may since have been edited or deleted), and take only
/// a checkpoint whose tensors fit that spec.
struct RunFolderSpecTests {
    /// The finished tiny run of `ApplyCommandTests`, trained from `tiny.yaml` (dense and relu layers).
    func finishedRun() throws -> Scratch { try ApplyCommandTests().finishedRun() }

    func encode(_ scratch: Scratch, to name: String) throws -> RunexpBinary.Outcome {
        try RunexpBinary.run(["apply", "run", "encode", ApplyCommandTests.sample, "--out", name], in: scratch.url)
    }

    func codesMatchTheRun(_ scratch: Scratch, _ name: String) throws -> Bool {
        try NPY.read(path: scratch.path(name)) == (try NPY.read(path: scratch.path("run/arrays/codes_train.npy")))
    }

    /// Replaces every relu of the spec the run was trained from with tanh.
    func editSpec(_ scratch: Scratch) throws {
        let spec = try String(contentsOfFile: scratch.path("tiny.yaml"), encoding: .utf8)
        try scratch.write("tiny.yaml", spec.replacingOccurrences(of: "relu", with: "tanh"))
    }

    @Test func applyGivesTheRunsOwnCodesAfterTheSpecItWasTrainedFromIsEdited() throws {
        let scratch = try finishedRun()
        try editSpec(scratch)
        let outcome = try encode(scratch, to: "codes.npy")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(try codesMatchTheRun(scratch, "codes.npy"))
    }

    @Test func exportWritesTheRunsOwnLayersAfterTheSpecItWasTrainedFromIsEdited() throws {
        let scratch = try finishedRun()
        try editSpec(scratch)
        let outcome = try RunexpBinary.run(["export", "run", "--pytorch"], in: scratch.url)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let module = try String(contentsOfFile: scratch.path("tiny.py"), encoding: .utf8)
        #expect(module.contains("nn.ReLU()"))
        #expect(!module.contains("nn.Tanh()"))
    }

    @Test func applyAndExportWorkAfterTheSpecItWasTrainedFromIsDeleted() throws {
        let scratch = try finishedRun()
        try FileManager.default.removeItem(atPath: scratch.path("tiny.yaml"))
        let apply = try encode(scratch, to: "codes.npy")
        #expect(apply.status == 0, "\(apply.stderr)")
        #expect(try codesMatchTheRun(scratch, "codes.npy"))
        let export = try RunexpBinary.run(["export", "run", "--pytorch"], in: scratch.url)
        #expect(export.status == 0, "\(export.stderr)")
    }

    @Test func aRelativeDataPathResolvesAsTheRunResolvedItAfterTheSpecIsDeleted() throws {
        let scratch = try Scratch()
        try scratch.writeImages(count: 20)
        try FileManager.default.createDirectory(atPath: scratch.path("exp"), withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: scratch.path("d.npy"), toPath: scratch.path("exp/d.npy"))
        let spec = EvaluationPolicyTests.tinySpec(data: ", validation: 0", train: "epochs: 1, batch_size: 8")
            .replacingOccurrences(of: ApplyCommandTests.sample, with: "d.npy")
        try scratch.write("exp/tiny.yaml", spec)
        let run = try RunexpBinary.run(["exp/tiny.yaml", "--out", "run"], in: scratch.url)
        try #require(run.status == 0, "\(run.stderr)")
        let before = try RunexpBinary.run(
            ["apply", "run", "encode", "exp/d.npy", "--out", "before.npy"], in: scratch.url)
        try #require(before.status == 0, "\(before.stderr)")
        try FileManager.default.removeItem(atPath: scratch.path("exp/tiny.yaml"))
        try FileManager.default.createDirectory(atPath: scratch.path("elsewhere"), withIntermediateDirectories: true)
        let apply = try RunexpBinary.run(
            ["apply", "../run", "encode", "../exp/d.npy", "--out", "after.npy"],
            in: scratch.url.appendingPathComponent("elsewhere"))
        #expect(apply.status == 0, "\(apply.stderr)")
        #expect(
            try NPY.read(path: scratch.path("elsewhere/after.npy")) == (try NPY.read(path: scratch.path("before.npy"))))
    }

    /// Puts the checkpoint of a run of another spec (a first layer of 8 units, not 16) into `run/`.
    func swapInAnotherSpecsCheckpoint(_ scratch: Scratch) throws {
        let spec = try String(contentsOfFile: scratch.path("tiny.yaml"), encoding: .utf8)
        try scratch.write(
            "other.yaml",
            spec.replacingOccurrences(of: "[dense: 16, relu, dense: 4]", with: "[dense: 8, relu, dense: 4]"))
        let other = try RunexpBinary.run(["other.yaml", "--out", "other"], in: scratch.url)
        try #require(other.status == 0, "\(other.stderr)")
        let file = "checkpoint/parameters.safetensors"
        try FileManager.default.removeItem(atPath: scratch.path("run/\(file)"))
        try FileManager.default.copyItem(atPath: scratch.path("other/\(file)"), toPath: scratch.path("run/\(file)"))
    }

    @Test func exportRefusesAnotherSpecsCheckpointNamingTheFirstTensorThatDoesNotFit() throws {
        let scratch = try finishedRun()
        try swapInAnotherSpecsCheckpoint(scratch)
        let outcome = try RunexpBinary.run(["export", "run", "--pytorch"], in: scratch.url)
        #expect(outcome.status == 2, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("'encoder.layers.0.weight'"), "\(outcome.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("tiny.py")))
    }

    @Test func exportRefusesACheckpointTensorOfAnotherDtypeNamingIt() throws {
        let scratch = try finishedRun()
        let path = scratch.path("run/checkpoint/parameters.safetensors")
        let contents = try SafeTensors.read(path: path)
        let changed = try contents.tensors.map { named -> NamedArray in
            guard named.name == "decoder.layers.2.bias" else { return named }
            let values = try named.array.elements(as: Float.self).map(Double.init)
            return NamedArray(named.name, try NumericArray(shape: named.array.shape, elements: values))
        }
        try Foundation.Data(SafeTensors.encode(changed, metadata: contents.metadata)).write(
            to: URL(fileURLWithPath: path))
        let outcome = try RunexpBinary.run(["export", "run", "--pytorch"], in: scratch.url)
        #expect(outcome.status == 2, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("'decoder.layers.2.bias' is float64"), "\(outcome.stderr)")
    }
}
