/// A restricted pickle interpreter: a stack machine that knows only the opcodes NumPy writes
/// (protocols 2 to 5, and Python 2's, in which CIFAR's batches are dicts) and only the globals in
/// `AllowedGlobal`. It evaluates the pickle into data
/// values and never executes anything; any other opcode or global is refused with its byte offset.
struct PickleMachine {
    static let maxStack = 1 << 20
    static let maxMemo = 1 << 20
    static let maxDepth = 64

    let view: ByteView
    /// The offset of the input's first byte within the file, so errors give file offsets.
    let fileOffset: Int
    var position = 0
    var opcodeStart = 0
    var stack: [PickleValue] = []
    var marks: [Int] = []
    var memo: [Int: PickleValue] = [:]

    init(_ bytes: UnsafeRawBufferPointer, source: String, fileOffset: Int) {
        view = ByteView(bytes: bytes, source: source)
        self.fileOffset = fileOffset
    }

    /// Runs the pickle to its STOP opcode and returns the value it leaves.
    mutating func run() throws -> PickleValue {
        while true {
            opcodeStart = position
            let opcode = try view.u8(position, "pickle opcode")
            position += 1
            if opcode == 0x2E {  // STOP
                guard let result = stack.last, marks.isEmpty else {
                    throw fail("STOP with an empty stack or open MARK")
                }
                return result
            }
            if try runDataOpcode(opcode) { continue }
            if try runStackOpcode(opcode) { continue }
            if try runCallOpcode(opcode) { continue }
            throw fail("unsupported pickle opcode \(opcodeDescription(opcode))")
        }
    }

    /// An error at the current opcode, with its byte offset in the file.
    func fail(_ what: String) -> SourceError {
        SourceError(view.source, "\(what) at byte \(fileOffset + opcodeStart)")
    }

    // MARK: Opcodes that push a constant read from the input.

    private mutating func runDataOpcode(_ opcode: UInt8) throws -> Bool {
        switch opcode {
        case 0x80: _ = try readUnsigned(1)  // PROTO
        case 0x95: _ = try readUnsigned(8)  // FRAME: frames are contiguous, so only the length is skipped
        case 0x4E: try push(.none)  // NONE
        case 0x88: try push(.bool(true))  // NEWTRUE
        case 0x89: try push(.bool(false))  // NEWFALSE
        case 0x4B: try push(.int(Int(try readUnsigned(1))))  // BININT1
        case 0x4D: try push(.int(Int(try readUnsigned(2))))  // BININT2
        case 0x4A: try push(.int(Int(Int32(truncatingIfNeeded: try readUnsigned(4)))))  // BININT
        case 0x8A: try push(.int(try readLong1()))  // LONG1
        case 0x47:  // BINFLOAT
            try push(.float(Double(bitPattern: try view.bigEndian(position, width: 8, "float"))))
            position += 8
        case 0x8C: try push(.text(try readRange(lengthWidth: 1)))  // SHORT_BINUNICODE
        case 0x58: try push(.text(try readRange(lengthWidth: 4)))  // BINUNICODE
        case 0x8D: try push(.text(try readRange(lengthWidth: 8)))  // BINUNICODE8
        case 0x43, 0x55: try push(.bytes(try readRange(lengthWidth: 1)))  // SHORT_BINBYTES, SHORT_BINSTRING
        case 0x42, 0x54: try push(.bytes(try readRange(lengthWidth: 4)))  // BINBYTES, BINSTRING
        case 0x8E, 0x96: try push(.bytes(try readRange(lengthWidth: 8)))  // BINBYTES8, BYTEARRAY8
        default: return false
        }
        return true
    }

    private mutating func readUnsigned(_ width: Int) throws -> UInt64 {
        let value = try view.littleEndian(position, width: width, "pickle argument")
        position += width
        return value
    }

    private mutating func readLong1() throws -> Int {
        let length = Int(try readUnsigned(1))
        guard length <= 8 else { throw fail("integer of \(length) bytes is too large") }
        guard length > 0 else { return 0 }
        let raw = try readUnsigned(length)
        let shift = UInt64(64 - 8 * length)
        return Int(Int64(bitPattern: raw << shift) >> Int64(shift))
    }

    private mutating func readRange(lengthWidth: Int) throws -> Range<Int> {
        let length = try readUnsigned(lengthWidth)
        guard length <= UInt64(view.count - position) else {
            throw fail("truncated pickle: a \(length)-byte string runs past the end of the data")
        }
        let range = position..<(position + Int(length))
        position = range.upperBound
        return range
    }

    // MARK: Opcodes that rearrange the stack, marks and memo.

    private mutating func runStackOpcode(_ opcode: UInt8) throws -> Bool {
        switch opcode {
        case 0x28:  // MARK
            guard marks.count < PickleMachine.maxStack else { throw fail("too many MARKs") }
            marks.append(stack.count)
        case 0x29: try push(.tuple(PickleTuple([])))  // EMPTY_TUPLE
        case 0x85, 0x86, 0x87:  // TUPLE1, TUPLE2, TUPLE3
            try push(try makeTuple(try popItems(Int(opcode) - 0x84)))
        case 0x74: try push(try makeTuple(try popToMark()))  // TUPLE
        case 0x5D: try push(.object(PickleObject(.list([]))))  // EMPTY_LIST
        case 0x6C: try push(try makeList(try popToMark()))  // LIST
        case 0x61: try append(try popItems(1))  // APPEND
        case 0x65: try append(try popToMark())  // APPENDS
        case 0x71: try memoize(at: Int(try readUnsigned(1)))  // BINPUT
        case 0x72: try memoize(at: Int(try readUnsigned(4)))  // LONG_BINPUT
        case 0x94: try memoize(at: memo.count)  // MEMOIZE
        case 0x68: try recall(Int(try readUnsigned(1)))  // BINGET
        case 0x6A: try recall(Int(try readUnsigned(4)))  // LONG_BINGET
        case 0x7D: try push(.object(PickleObject(.dict([]))))  // EMPTY_DICT
        case 0x64:  // DICT
            let items = try popToMark()
            try push(.object(PickleObject(.dict([]))))
            try setItems(items)
        case 0x73: try setItems(try popItems(2))  // SETITEM
        case 0x75: try setItems(try popToMark())  // SETITEMS
        case 0x49: try push(try readIntLine())  // INT: Python 2 writes False and True as I00 and I01
        case 0x30: _ = try popItems(1)  // POP
        case 0x31: _ = try popToMark()  // POP_MARK
        default: return false
        }
        return true
    }

    mutating func push(_ value: PickleValue) throws {
        guard stack.count < PickleMachine.maxStack else {
            throw fail("pickle stack exceeds \(PickleMachine.maxStack) items")
        }
        stack.append(value)
    }

    mutating func popItems(_ count: Int) throws -> [PickleValue] {
        let floor = marks.last ?? 0
        guard stack.count - floor >= count else { throw fail("pickle stack underflow") }
        let items = Array(stack.suffix(count))
        stack.removeLast(count)
        return items
    }

    private mutating func popToMark() throws -> [PickleValue] {
        guard let mark = marks.popLast() else { throw fail("no MARK to pop to") }
        let items = Array(stack[mark...])
        stack.removeSubrange(mark...)
        return items
    }

    /// Freezes `items`, which are being stored in a container, and checks the nesting bound.
    private func embed(_ items: [PickleValue]) throws {
        for item in items {
            if case .object(let object) = item { object.frozen = true }
            guard item.depth < PickleMachine.maxDepth else {
                throw fail("pickle nests containers deeper than \(PickleMachine.maxDepth)")
            }
        }
    }

    private func makeTuple(_ items: [PickleValue]) throws -> PickleValue {
        try embed(items)
        return .tuple(PickleTuple(items))
    }

    private func makeList(_ items: [PickleValue]) throws -> PickleValue {
        try embed(items)
        let list = PickleObject(.list(items))
        list.depth = 1 + (items.map(\.depth).max() ?? 0)
        return .object(list)
    }

    private mutating func append(_ items: [PickleValue]) throws {
        guard case .object(let list)? = stack.last, case .list(var elements) = list.kind else {
            throw fail("APPEND to something that is not a list")
        }
        guard !list.frozen else { throw fail("unsupported pickle: a list is modified after being stored") }
        for item in items {
            if case .object(let object) = item, object === list { throw fail("a list appended to itself") }
        }
        try embed(items)
        list.kind = .list([])  // release the old array so the append below does not copy it
        elements += items
        list.kind = .list(elements)
        list.depth = max(list.depth, 1 + (items.map(\.depth).max() ?? 0))
    }

    private mutating func setItems(_ items: [PickleValue]) throws {
        guard case .object(let dict)? = stack.last, case .dict(var pairs) = dict.kind else {
            throw fail("SETITEM on something that is not a dict")
        }
        guard !dict.frozen else { throw fail("unsupported pickle: a dict is modified after being stored") }
        guard items.count % 2 == 0 else { throw fail("SETITEMS with an odd number of keys and values") }
        for item in items {
            if case .object(let object) = item, object === dict { throw fail("a dict stored in itself") }
        }
        try embed(items)
        dict.kind = .dict([])  // release the old array so the append below does not copy it
        pairs += stride(from: 0, to: items.count, by: 2).map { (key: items[$0], value: items[$0 + 1]) }
        dict.kind = .dict(pairs)
        dict.depth = max(dict.depth, 1 + (items.map(\.depth).max() ?? 0))
    }

    private mutating func readIntLine() throws -> PickleValue {
        let limit = min(view.count, position + 32)
        var end = position
        while end < limit, view.bytes[end] != 0x0A { end += 1 }
        guard end < limit else { throw fail("INT is unterminated or longer than 32 bytes") }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: view.bytes[position..<end]), as: UTF8.self)
        position = end + 1
        switch text {
        case "00": return .bool(false)
        case "01": return .bool(true)
        default:
            guard let value = Int(text) else { throw fail("INT '\(text.prefix(32))' is not a whole number") }
            return .int(value)
        }
    }

    private mutating func memoize(at index: Int) throws {
        guard let top = stack.last, stack.count > (marks.last ?? 0) else { throw fail("memo put with an empty stack") }
        guard memo.count < PickleMachine.maxMemo || memo[index] != nil else {
            throw fail("pickle memo exceeds \(PickleMachine.maxMemo) entries")
        }
        memo[index] = top
    }

    private mutating func recall(_ index: Int) throws {
        guard let value = memo[index] else { throw fail("memo entry \(index) was never stored") }
        try push(value)
    }
}
