/// The functions a loss expression may call besides networks and the five loss functions: what
/// makes a batch from batches (`concat`, `sample_normal`, `noise`, …), what makes a number from
/// batches (`kl_normal`, `mmd`, …), the schedules that scale a term over training (`ramp`) and
/// what makes a number from a number (`abs`).
///
/// This is the list of names; what each one means (its argument rule, shape, forward and
/// backward) lives in one file of the graph, and the graph's registry maps each case to it.
public enum BuiltinFunction: String, Sendable, CaseIterable {
    case onehot
    case concat
    case softmax
    case sampleNormal = "sample_normal"
    case noise
    case mask
    case klNormal = "kl_normal"
    case crossEntropy = "cross_entropy"
    case mmd
    case ramp
    case logNormal = "log_normal"
    case logBernoulliLogits = "log_bernoulli_logits"
    case logmeanexp
    case mean
    case absolute = "abs"
    case permuteDims = "permute_dims"
    case mutualInformation = "mutual_information"
    case totalCorrelation = "total_correlation"
    case dimensionwiseKL = "dimensionwise_kl"
    case eye
    case logMixtureNormal = "log_mixture_normal"
    case msSSIM = "ms_ssim"
    case gradientPenalty = "gradient_penalty"
    case inputGradient = "input_gradient"
    case softplus
    case sampleVonMises = "sample_von_mises"
    case klVonMises = "kl_von_mises"
    case sampleWrappedNormal = "sample_wrapped_normal"
    case logWrappedNormal = "log_wrapped_normal"

    /// Whether it makes a number (a term or a factor of the loss) rather than a batch.
    public var makesNumber: Bool {
        switch self {
        case .klNormal, .crossEntropy, .mmd, .ramp, .mean, .absolute, .mutualInformation, .totalCorrelation,
            .dimensionwiseKL, .msSSIM, .gradientPenalty, .klVonMises:
            return true
        case .onehot, .concat, .softmax, .sampleNormal, .noise, .mask, .logNormal, .logBernoulliLogits, .logmeanexp,
            .permuteDims, .eye, .logMixtureNormal, .inputGradient, .softplus, .sampleVonMises,
            .sampleWrappedNormal, .logWrappedNormal:
            return false
        }
    }

    /// How it is called, for messages and docs.
    public var signature: String {
        switch self {
        case .onehot: return "onehot(y)"
        case .concat: return "concat(a, b, …)"
        case .softmax: return "softmax(logits)"
        case .sampleNormal: return "sample_normal(mu, logvar, k: draws)"
        case .noise: return "noise(x, std)"
        case .mask: return "mask(x, rate)"
        case .klNormal: return "kl_normal(mu, logvar)"
        case .crossEntropy: return "cross_entropy(logits, y)"
        case .mmd: return "mmd(a, b)"
        case .ramp: return "ramp(start, end, epochs: n)"
        case .logNormal: return "log_normal(z, mu, logvar) or log_normal(z)"
        case .logBernoulliLogits: return "log_bernoulli_logits(logits, x)"
        case .logmeanexp: return "logmeanexp(values, k: group)"
        case .mean: return "mean(values)"
        case .absolute: return "abs(number)"
        case .permuteDims: return "permute_dims(z)"
        case .mutualInformation: return "mutual_information(z, mu, logvar, dataset: n)"
        case .totalCorrelation: return "total_correlation(z, mu, logvar, dataset: n)"
        case .dimensionwiseKL: return "dimensionwise_kl(z, mu, logvar, dataset: n)"
        case .eye: return "eye(size)"
        case .logMixtureNormal: return "log_mixture_normal(z, mu, logvar)"
        case .msSSIM: return "ms_ssim(prediction, target)"
        case .gradientPenalty: return "gradient_penalty(decoder(encoder(x)), x)"
        case .inputGradient: return "input_gradient(decoder(z), z, decoder(z) - x)"
        case .softplus: return "softplus(values)"
        case .sampleVonMises: return "sample_von_mises(loc, kappa)"
        case .klVonMises: return "kl_von_mises(loc, kappa)"
        case .sampleWrappedNormal: return "sample_wrapped_normal(loc, logvar)"
        case .logWrappedNormal: return "log_wrapped_normal(z, loc, logvar) or log_wrapped_normal(z)"
        }
    }
}

/// Every name the loss language gives a meaning to, apart from the spec's own networks.
public enum LossFunctionCatalogue {
    /// Loss functions and built-in functions.
    public static let names: [String] =
        LossFunction.allCases.map(\.rawValue) + BuiltinFunction.allCases.map(\.rawValue)
}
