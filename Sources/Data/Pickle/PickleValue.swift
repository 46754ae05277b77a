/// The only callables a pickle may name; everything else is refused when the pickle names it.
enum AllowedGlobal: String {
    case reconstruct, ndarray, dtype, encode, frombuffer, scalar

    /// Maps a pickle's `module.name` to an allowed global, or nil when it is not allowed.
    init?(module: String, name: String) {
        switch (module, name) {
        case ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"):
            self = .reconstruct
        case ("numpy", "ndarray"): self = .ndarray
        case ("numpy", "dtype"): self = .dtype
        case ("_codecs", "encode"): self = .encode
        case ("numpy.core.numeric", "_frombuffer"), ("numpy._core.numeric", "_frombuffer"): self = .frombuffer
        case ("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar"): self = .scalar
        default: return nil
        }
    }

    static let allowedNames =
        "numpy.core.multiarray._reconstruct, numpy._core.multiarray._reconstruct, numpy.ndarray, "
        + "numpy.dtype, _codecs.encode, numpy._core.numeric._frombuffer, numpy._core.multiarray.scalar"
}

/// A value on the pickle machine's stack. Large strings and byte strings are kept as ranges of the
/// input rather than copied, so that a 140 MB image payload is copied only into its final array.
enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    /// Raw bytes at this range of the input.
    case bytes(Range<Int>)
    /// UTF-8 text at this range of the input.
    case text(Range<Int>)
    /// The text at this range encoded as latin-1 by `_codecs.encode`: one byte per code point.
    case latin1(Range<Int>)
    case tuple(PickleTuple)
    case object(PickleObject)
    case global(AllowedGlobal)

    /// How many containers deep this value nests; bounded so that releasing it cannot overflow the stack.
    var depth: Int {
        switch self {
        case .tuple(let tuple): tuple.depth
        case .object(let object): object.depth
        default: 0
        }
    }

    /// A short name of the value's kind, for error messages.
    var kindName: String {
        switch self {
        case .none: "None"
        case .bool: "bool"
        case .int: "int"
        case .float: "float"
        case .bytes, .latin1: "bytes"
        case .text: "str"
        case .tuple: "tuple"
        case .object(let object): object.kindName
        case .global(let global): "global \(global.rawValue)"
        }
    }
}

/// An immutable pickle tuple with its nesting depth.
struct PickleTuple {
    let items: [PickleValue]
    let depth: Int

    init(_ items: [PickleValue]) {
        self.items = items
        depth = 1 + (items.map(\.depth).max() ?? 0)
    }
}

/// A NumPy dtype as a pickle describes it: kind character, item size and byte order.
struct PickleDType {
    var kind: Character
    var size: Int
    var byteOrder: Character = "="

    var isObject: Bool { kind == "O" }
}

/// A NumPy array as a pickle describes it; the data stays a reference into the input.
struct PickleArray {
    enum Payload {
        case missing
        case bytes(Range<Int>)
        case latin1(Range<Int>)
        case objects([PickleValue])
    }

    var shape: [Int] = [0]
    var dtype: PickleDType?
    var fortran = false
    var payload = Payload.missing
}

/// A mutable pickle object (list, dtype or array). Python mutates these in place (APPENDS,
/// BUILD), and a memo may refer to the same one, so they have reference semantics. Once stored
/// inside another container an object is frozen, which rules out cycles and keeps `depth` exact.
final class PickleObject {
    enum Kind {
        case list([PickleValue])
        /// Key and value pairs in the order the pickle set them (CIFAR's batches are dicts).
        case dict([(key: PickleValue, value: PickleValue)])
        case dtype(PickleDType)
        case array(PickleArray)
    }

    var kind: Kind
    var depth = 1
    var frozen = false

    init(_ kind: Kind) { self.kind = kind }

    var kindName: String {
        switch kind {
        case .list: "list"
        case .dict: "dict"
        case .dtype: "numpy.dtype"
        case .array: "numpy.ndarray"
        }
    }
}
