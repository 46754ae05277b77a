/// One part of a data set: what a run trains on, what it tunes on, what it reports on. The only
/// place split names are spelled; every list of splits and every fallback reads this type.
public enum Split: String, CaseIterable, Sendable, Comparable, CustomStringConvertible {
    case train, validation, test

    /// The order in which a split stands in for one the data lacks: the held-out test images
    /// first, then validation, then the training images every data set has.
    public static let fallbackOrder: [Split] = [.test, .validation, .train]

    /// The split that serves an output or probe asking for `requested` when the data has only
    /// `available`: `requested` itself when present, else the first of `fallbackOrder` present.
    public static func serving(_ requested: Split, among available: [Split]) -> Split {
        if available.contains(requested) { return requested }
        return fallbackOrder.first(where: available.contains) ?? requested
    }

    /// The split held out for the figures a run reports when nothing asks for one: test, else
    /// validation, else train.
    public static func heldOut(among available: [Split]) -> Split { serving(.test, among: available) }

    /// Reads a split's name as written in a spec or a record.
    public init?(named name: String) { self.init(rawValue: name) }

    /// Its name in specs, records and file names.
    public var name: String { rawValue }
    public var description: String { rawValue }

    /// The names of all splits, for messages and suggestions.
    public static var names: [String] { allCases.map(\.name) }

    /// Train before validation before test.
    public static func < (a: Split, b: Split) -> Bool {
        a.ordinal < b.ordinal
    }

    private var ordinal: Int {
        switch self {
        case .train: return 0
        case .validation: return 1
        case .test: return 2
        }
    }
}
