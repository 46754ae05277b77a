import Foundation
import Kernels
import Testing

@testable import Runner

/// `check` is the promise that a valid spec will train: it applies every rule a run applies before
/// its first step, with the same message at the same place. A run stopped there is `--dry-run`.
struct CheckAgreementTests {
    /// Runs `check SPEC` and `SPEC --dry-run` in `folder`; records any difference in verdict or message.
    func expectAgreement(_ spec: String, in folder: URL) throws {
        let check = try RunexpBinary.run(["check", spec], in: folder)
        let dry = try RunexpBinary.run([spec, "--dry-run"], in: folder)
        #expect(check.status == dry.status, "\(spec): check exits \(check.status), the dry run \(dry.status)")
        if check.status == 0 {
            #expect(dry.stderr.contains("dry run: "), "\(dry.stderr)")
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("results").path))
        } else {
            #expect(check.stderr == dry.stderr)
        }
    }

    @Test(arguments: BrokenSpecCatalogueTests.specs)
    func checkAndARunStoppedBeforeItsFirstStepRefuseACatalogueSpecAlike(_ spec: String) throws {
        try expectAgreement(spec, in: BrokenSpecCatalogueTests.folder)
    }

    @Test(arguments: [
        "cnn_ae.yaml", "aae_mlp.yaml", "aae_gmm2d.yaml", "vae_mlp.yaml", "wae_mmd.yaml", "dae_cnn.yaml",
        "aae_supervised.yaml", "aae_semisupervised.yaml", "family_disentangled_beta_vae.yaml",
        "family_beta_tc_vae.yaml", "family_factor_vae.yaml", "family_vamp.yaml", "family_rae_l2.yaml",
        "family_rae_gp.yaml", "family_vae_gan.yaml", "family_hvae.yaml", "family_svae.yaml", "family_pvae.yaml",
    ])
    func checkAndARunStoppedBeforeItsFirstStepAcceptACommittedExperimentAlike(_ spec: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("runexp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: RunexpBinary.packageRoot.appendingPathComponent("experiments/\(spec)"),
            to: folder.appendingPathComponent(spec))
        try expectAgreement(spec, in: folder)
    }

    @Test(arguments: [
        "experiments/cnn_ae.yaml", "experiments/aae_mlp.yaml", "experiments/aae_gmm2d.yaml", "experiments/vae_mlp.yaml",
        "experiments/wae_mmd.yaml", "experiments/dae_cnn.yaml", "experiments/aae_semisupervised.yaml",
    ])
    func everyMutatedSpecCheckAcceptsIsPlannedWithoutAProblem(_ path: String) throws {
        let text = try String(contentsOf: RunexpBinary.packageRoot.appendingPathComponent(path), encoding: .utf8)
        let scratch = try Scratch()
        var random = RandomStream(seed: 2, name: "check agreement \(path)")
        var data: [String: ExperimentData] = [:]
        var planned = 0
        for index in 0..<1000 {
            let file = scratch.path("m\(index).yaml")
            try MutatedSpecTests.mutate(text, &random).write(toFile: file, atomically: true, encoding: .utf8)
            guard case .success(let checked) = SpecCheck.run(path: file) else { continue }
            let spec = checked.spec
            let key = "\(spec.data.source) \(spec.seed) \(spec.data.trainLimit ?? -1) \(spec.data.validation)"
            if checked.data == nil, data[key] == nil {
                data[key] = try ExperimentData.load(spec.data, seed: spec.seed, specDirectory: scratch.url.path)
            }
            do {
                _ = try Trainer(checked: checked, data: checked.data ?? data[key]!, context: .serial)
                planned += 1
            } catch {
                Issue.record("check accepts this mutation of \(path) but planning it fails: \(error)\n\(file)")
            }
        }
        #expect(planned > 50, "only \(planned) mutations passed check: too few to mean much")
    }
}
