import Data
import Graph
import Kernels
import Spec

/// How well the adversary tells prior samples from codes: the fraction of held-out codes
/// (`Split.heldOut`) it calls fake (logit < 0) and of prior samples it calls real (logit > 0),
/// averaged. 0.5 means the codes fool it.
///
/// The critic is the model's role (`ModelRoles.critic`): a network applied to `z` directly, and the
/// chain it is applied to over `x` (`discriminator(encoder(x))`) gives the codes it judges. The prior samples
/// are drawn once from their own stream, so every epoch is judged on the same ones.
final class DiscriminatorProbe {
    let onCodes: NetworkApplication
    let onPrior: NetworkApplication
    let priorSamples: [Float]
    /// The most held-out codes (and prior samples) it judges.
    static let samples = 2000

    /// The probe for `trainer`'s spec, or nil when no phase pits a network against the prior.
    static func make(_ trainer: Trainer) throws -> DiscriminatorProbe? {
        let spec = trainer.checked.spec
        guard let prior = spec.prior, let found = trainer.checked.model.roles.critic else { return nil }
        let origin = spec.phases[found.phase].loss.origin
        let codes = try NetworkApplication(
            found.chain + [found.network], input: .data, trainer: trainer, origin: origin)
        let judge = try NetworkApplication([found.network], input: .latent, trainer: trainer, origin: origin)
        let count = min(trainer.data.heldOut.images.count, Self.samples)
        let samples = PriorSampler.draws(prior, seed: spec.seed, stream: "outputs/discriminator", count: count)
        return DiscriminatorProbe(onCodes: codes, onPrior: judge, priorSamples: samples)
    }

    init(onCodes: NetworkApplication, onPrior: NetworkApplication, priorSamples: [Float]) {
        self.onCodes = onCodes
        self.onPrior = onPrior
        self.priorSamples = priorSamples
    }

    /// The accuracy on the first images of `split` (as many as prior samples) and the prior samples.
    func accuracy(_ split: LabeledImages) throws -> Double {
        let count = min(split.count, priorCount)
        let fake = try onCodes.apply(split, Array(0..<count)).filter { $0 < 0 }.count
        let real = try onPrior.apply(latent: priorSamples).filter { $0 > 0 }.count
        return Double(fake + real) / Double(count + priorCount)
    }

    /// How many codes and prior samples `accuracy(split)` passes forward.
    func judged(_ split: LabeledImages) -> Int { min(split.count, priorCount) + priorCount }

    private var priorCount: Int { priorSamples.count / max(onPrior.inputWidth, 1) }
}
