import Foundation

/// One reader under fuzzing: its seed inputs, its dictionary, and the call that feeds it one input.
///
/// The body returns when the reader accepted the input and throws when it refused it. A refusal
/// must be the reader's own error type with a place (a `SourceError` naming the file, or located
/// spec diagnostics); any other error, and of course a trap, is a finding.
public struct FuzzTarget: Sendable {
    /// The name `runexp-fuzz --target` takes, e.g. `npy`.
    public let name: String
    /// What the target feeds, for `--list` and the docs.
    public let summary: String
    /// Valid inputs the mutations start from.
    public let seeds: [[UInt8]]
    /// Tokens that mean something to the format.
    public let dictionary: [[UInt8]]
    /// The longest input made.
    public let maxLength: Int
    /// Fixes checksums after mutation (PNG's chunk CRCs), for half of the inputs.
    public let repair: (@Sendable (inout [UInt8]) -> Void)?
    let body: @Sendable ([UInt8]) throws -> Void
    let isExpected: @Sendable (any Error) -> Bool

    /// A target named `name` over `seeds`, calling `body` on each input; errors for which
    /// `isExpected` is false are findings.
    public init(
        name: String, summary: String, seeds: [[UInt8]], dictionary: [[UInt8]], maxLength: Int,
        repair: (@Sendable (inout [UInt8]) -> Void)? = nil, isExpected: @escaping @Sendable (any Error) -> Bool,
        body: @escaping @Sendable ([UInt8]) throws -> Void
    ) {
        self.name = name
        self.summary = summary
        self.seeds = seeds
        self.dictionary = dictionary
        self.maxLength = maxLength
        self.repair = repair
        self.isExpected = isExpected
        self.body = body
    }

    /// The mutator over this target's seeds and dictionary.
    public var mutator: Mutator { Mutator(seeds: seeds, dictionary: dictionary, maxLength: maxLength, repair: repair) }

    /// Feeds `input` to the reader and says how it answered.
    public func run(_ input: [UInt8]) -> FuzzOutcome {
        do {
            try body(input)
            return .accepted
        } catch  where isExpected(error) {
            return .refused("\(error)")
        } catch {
            return .unexpected("\(type(of: error)): \(error)")
        }
    }
}

/// How a reader answered one input.
public enum FuzzOutcome: Sendable, Equatable {
    /// It returned a value.
    case accepted
    /// It threw its own located error; the message is kept for the tests.
    case refused(String)
    /// It threw something it does not promise, or broke an invariant the target checks.
    case unexpected(String)
}

/// An invariant a target checks on an accepted input (two entry points agree, a round trip holds).
public struct FuzzInvariantBroken: Error, CustomStringConvertible {
    /// What did not hold.
    public let description: String

    /// The broken invariant, said in words.
    public init(_ description: String) {
        self.description = description
    }
}
