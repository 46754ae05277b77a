/// The opcodes that name and call globals (GLOBAL, STACK_GLOBAL, REDUCE, BUILD), evaluated for the
/// few NumPy callables in `AllowedGlobal` as data constructors.
extension PickleMachine {
    mutating func runCallOpcode(_ opcode: UInt8) throws -> Bool {
        switch opcode {
        case 0x63:  // GLOBAL: "module\nname\n"
            let module = try readLine()
            try push(.global(try allowedGlobal(module: module, name: try readLine())))
        case 0x93:  // STACK_GLOBAL
            let pair = try popItems(2)
            guard let module = smallText(pair[0]), let name = smallText(pair[1]) else {
                throw fail("STACK_GLOBAL expects two strings, found \(pair[0].kindName) and \(pair[1].kindName)")
            }
            try push(.global(try allowedGlobal(module: module, name: name)))
        case 0x52:  // REDUCE
            let pair = try popItems(2)
            guard case .global(let callable) = pair[0], case .tuple(let arguments) = pair[1] else {
                throw fail("REDUCE expects a global and a tuple, found \(pair[0].kindName) and \(pair[1].kindName)")
            }
            try push(try call(callable, arguments.items))
        case 0x62:  // BUILD
            let state = try popItems(1)[0]
            guard case .object(let object)? = stack.last, stack.count > (marks.last ?? 0) else {
                throw fail("BUILD expects a numpy object under its state")
            }
            guard !object.frozen else { throw fail("unsupported pickle: an object is built after being stored") }
            try build(object, state: state)
        default:
            return false
        }
        return true
    }

    private mutating func readLine() throws -> String {
        let limit = min(view.count, position + 256)
        var end = position
        while end < limit, view.bytes[end] != 0x0A { end += 1 }
        guard end < limit else { throw fail("GLOBAL name is unterminated or longer than 256 bytes") }
        let line = String(decoding: UnsafeRawBufferPointer(rebasing: view.bytes[position..<end]), as: UTF8.self)
        position = end + 1
        return line
    }

    private func allowedGlobal(module: String, name: String) throws -> AllowedGlobal {
        guard let global = AllowedGlobal(module: module, name: name) else {
            throw fail(
                "pickle names the global \(module).\(name), which is not allowed (only \(AllowedGlobal.allowedNames))")
        }
        return global
    }

    /// The text of a short string value, or nil if the value is not one.
    func smallText(_ value: PickleValue) -> String? {
        // Python 2's pickles (CIFAR's) write str as bytes, and Python 3's protocol 2 writes bytes
        // as `_codecs.encode(text, 'latin1')`, whose range holds the text itself.
        let range: Range<Int>
        switch value {
        case .text(let text), .bytes(let text), .latin1(let text): range = text
        default: return nil
        }
        guard range.count <= 1024 else { return nil }
        return String(decoding: UnsafeRawBufferPointer(rebasing: view.bytes[range]), as: UTF8.self)
    }

    private func call(_ callable: AllowedGlobal, _ arguments: [PickleValue]) throws -> PickleValue {
        switch (callable, arguments.count) {
        case (.reconstruct, 3):
            guard case .global(.ndarray) = arguments[0] else {
                throw fail("_reconstruct of something other than numpy.ndarray")
            }
            return .object(PickleObject(.array(PickleArray())))
        case (.dtype, 3):
            guard let spec = smallText(arguments[0]), let dtype = parseDTypeSpec(spec) else {
                throw fail("numpy.dtype with an unsupported type \(smallText(arguments[0]) ?? arguments[0].kindName)")
            }
            return .object(PickleObject(.dtype(dtype)))
        case (.encode, 2):
            guard case .text(let range) = arguments[0], let codec = smallText(arguments[1]),
                codec == "latin1" || codec == "latin-1"
            else { throw fail("_codecs.encode is allowed only as encode(str, 'latin1')") }
            return .latin1(range)
        case (.frombuffer, 4):
            return .object(PickleObject(.array(try frombuffer(arguments))))
        case (.scalar, 2):
            return try scalar(arguments)
        default:
            throw fail("numpy call \(callable.rawValue) with \(arguments.count) arguments is not supported")
        }
    }

    /// numpy's dtype spec strings in pickles: a kind letter and a size, e.g. `u1`, `f8`, `O8`.
    private func parseDTypeSpec(_ spec: String) -> PickleDType? {
        var chars = Array(spec)
        var order: Character = "="
        if let first = chars.first, "<>|=".contains(first) {
            order = first
            chars.removeFirst()
        }
        guard let kind = chars.first, let size = Int(String(chars.dropFirst())) else { return nil }
        guard kind == "O" || DType(kind: kind, size: size) != nil else { return nil }
        return PickleDType(kind: kind, size: size, byteOrder: order)
    }

    private func shape(_ value: PickleValue) throws -> [Int] {
        guard case .tuple(let tuple) = value, tuple.items.count <= 64 else { throw fail("array shape is not a tuple") }
        return try tuple.items.map {
            guard case .int(let dim) = $0, dim >= 0 else {
                throw fail("array shape has a dimension that is not a non-negative int")
            }
            return dim
        }
    }

    private func dtype(_ value: PickleValue) throws -> PickleDType {
        guard case .object(let object) = value, case .dtype(let dtype) = object.kind else {
            throw fail("expected a numpy.dtype, found \(value.kindName)")
        }
        return dtype
    }

    private func frombuffer(_ arguments: [PickleValue]) throws -> PickleArray {
        var array = PickleArray(shape: try shape(arguments[2]), dtype: try dtype(arguments[1]))
        guard let order = smallText(arguments[3]), order == "C" || order == "F" else {
            throw fail("_frombuffer order must be 'C' or 'F'")
        }
        array.fortran = order == "F"
        guard case .bytes(let range) = arguments[0], array.dtype?.isObject == false else {
            throw fail("_frombuffer expects a byte buffer of a numeric dtype")
        }
        array.payload = .bytes(range)
        return array
    }

    /// `scalar(dtype, data)`: a numpy scalar, whose data protocol 2 wraps in `_codecs.encode`.
    private func scalar(_ arguments: [PickleValue]) throws -> PickleValue {
        var cell = PickleArray(shape: [], dtype: try dtype(arguments[0]))
        switch arguments[1] {
        case .bytes(let range): cell.payload = .bytes(range)
        case .latin1(let range): cell.payload = .latin1(range)
        default: throw fail("numpy scalar data is \(arguments[1].kindName), expected bytes")
        }
        let array = try cell.materialize(input: view.bytes, source: view.source)
        let value = array.value(at: 0)
        if array.dtype.isFloatingPoint { return .float(value) }
        guard let integer = Int(exactly: value) else { throw fail("numpy scalar \(value) does not fit in an integer") }
        return .int(integer)
    }

    private func build(_ object: PickleObject, state: PickleValue) throws {
        guard case .tuple(let tuple) = state else { throw fail("BUILD state is \(state.kindName), expected a tuple") }
        let items = tuple.items
        switch object.kind {
        case .dtype(var dtype):
            guard items.count >= 8, let order = smallText(items[1]), order.count == 1,
                case .none = items[2], case .none = items[3], case .none = items[4]
            else { throw fail("unsupported numpy.dtype state (structured or sub-array dtypes are not supported)") }
            dtype.byteOrder = Character(order)
            object.kind = .dtype(dtype)
        case .array:
            object.kind = .array(try arrayState(items.count == 5 ? Array(items.dropFirst()) : items))
            object.depth = 1 + tuple.depth
        case .list, .dict:
            throw fail("BUILD on a \(object.kindName) is not supported")
        }
    }

    private func arrayState(_ items: [PickleValue]) throws -> PickleArray {
        guard items.count == 4, case .bool(let fortran) = items[2] else {
            throw fail("unsupported numpy.ndarray state")
        }
        var array = PickleArray(shape: try shape(items[0]), dtype: try dtype(items[1]), fortran: fortran)
        switch items[3] {
        case .bytes(let range): array.payload = .bytes(range)
        case .latin1(let range): array.payload = .latin1(range)
        case .object(let object):
            guard case .list(let elements) = object.kind else { throw fail("array data is \(object.kindName)") }
            array.payload = .objects(elements)
        default: throw fail("array data is \(items[3].kindName), expected bytes or a list")
        }
        return array
    }

    /// An opcode byte with its pickle name where known, e.g. `0x81 (NEWOBJ)`.
    func opcodeDescription(_ opcode: UInt8) -> String {
        let names: [UInt8: String] = [
            0x69: "INST", 0x6F: "OBJ", 0x81: "NEWOBJ", 0x92: "NEWOBJ_EX", 0x82: "EXT1", 0x83: "EXT2",
            0x84: "EXT4", 0x50: "PERSID", 0x51: "BINPERSID", 0x97: "NEXT_BUFFER (out-of-band buffers)",
            0x98: "READONLY_BUFFER", 0x7D: "EMPTY_DICT", 0x64: "DICT", 0x73: "SETITEM", 0x75: "SETITEMS",
            0x8F: "EMPTY_SET", 0x90: "ADDITEMS", 0x91: "FROZENSET", 0x49: "INT", 0x4C: "LONG", 0x8B: "LONG4",
            0x53: "STRING", 0x56: "UNICODE", 0x46: "FLOAT", 0x32: "DUP", 0x67: "GET", 0x70: "PUT",
        ]
        let hexText = String(opcode, radix: 16)
        return "0x\(hexText.count == 1 ? "0" : "")\(hexText)" + (names[opcode].map { " (\($0))" } ?? "")
    }
}
