import Spec

/// Maps each built-in function of the loss language to the file that gives it meaning: one case each.
public enum FunctionRegistry {
    /// What `arguments.function` called with `arguments` means, or why the call does not fit.
    public static func resolve(_ arguments: FunctionArguments) -> Result<FunctionMeaning, FunctionProblem> {
        do throws(FunctionProblem) {
            switch arguments.function {
            case .onehot: return .success(try OneHot.resolve(arguments))
            case .concat: return .success(try Concat.resolve(arguments))
            case .softmax: return .success(try Softmax.resolve(arguments))
            case .sampleNormal: return .success(try SampleNormal.resolve(arguments))
            case .noise: return .success(try Noise.resolve(arguments))
            case .mask: return .success(try Mask.resolve(arguments))
            case .klNormal: return .success(try KLNormal.resolve(arguments))
            case .crossEntropy: return .success(try CrossEntropy.resolve(arguments))
            case .mmd: return .success(try MMD.resolve(arguments))
            case .ramp: return .success(try Schedule.resolve(arguments))
            case .logNormal: return .success(try LogNormal.resolve(arguments))
            case .logBernoulliLogits: return .success(try LogBernoulliLogits.resolve(arguments))
            case .logmeanexp: return .success(try LogMeanExp.resolve(arguments))
            case .mean: return .success(try Mean.resolve(arguments))
            case .absolute: return .success(try Absolute.resolve(arguments))
            case .permuteDims: return .success(try PermuteDims.resolve(arguments))
            case .mutualInformation, .totalCorrelation, .dimensionwiseKL:
                return .success(try KLDecomposition.resolve(arguments))
            case .eye: return .success(try Identity.resolve(arguments))
            case .logMixtureNormal: return .success(try LogMixtureNormal.resolve(arguments))
            case .msSSIM: return .success(try MultiScaleSimilarity.resolve(arguments))
            case .gradientPenalty: return .success(try GradientPenalty.resolve(arguments))
            case .inputGradient: return .success(try InputGradient.resolve(arguments))
            case .softplus: return .success(try Softplus.resolve(arguments))
            case .sampleVonMises: return .success(try SampleVonMises.resolve(arguments))
            case .klVonMises: return .success(try KLVonMises.resolve(arguments))
            case .sampleWrappedNormal: return .success(try SampleWrappedNormal.resolve(arguments))
            case .logWrappedNormal: return .success(try LogWrappedNormal.resolve(arguments))
            }
        } catch {
            return .failure(error)
        }
    }
}
