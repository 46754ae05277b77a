import Data
import Foundation
import Kernels

/// Small data files, whole and broken, made by the tests (nothing binary is committed).
enum BadFiles {
    /// 20 images of 28×28 random pixels, seeded.
    static let pixels: [UInt8] = {
        var random = RandomStream(seed: 5, name: "bad files")
        return (0..<(20 * 784)).map { _ in UInt8(random.nextInt(below: 256)) }
    }()

    static let labels: [UInt8] = (0..<20).map { UInt8($0 % 10) }

    /// A whole `.npy` of the 20 images as uint8 20×784.
    static let digitsNpy: [UInt8] =
        (try? NumericArray(shape: [20, 784], elements: pixels)).map { NPY.encode($0) } ?? []

    /// A version 1.0 `.npy` whose header claims `shape` for uint8 data, followed by `payload`.
    static func npy(shape: String, descr: String = "|u1", payload: [UInt8]) -> [UInt8] {
        npyHeader("{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }") + payload
    }

    /// The magic, version 1.0, length and the header dictionary padded to 64 bytes.
    static func npyHeader(_ dictionary: String) -> [UInt8] {
        var header = Array(dictionary.utf8)
        let total = 10 + header.count + 1
        header += [UInt8](repeating: 0x20, count: (64 - total % 64) % 64) + [0x0A]
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)] + header
    }

    /// An `.npz` with train_x (20×28×28) and train_y.
    static func npz(compressed: Bool) throws -> [UInt8] {
        try NPZ.encode(
            [
                NamedArray("train_x", try NumericArray(shape: [20, 28, 28], elements: pixels)),
                NamedArray("train_y", try NumericArray(shape: [20], elements: labels)),
            ], compressed: compressed)
    }

    /// A deflated `.npz` whose central directory declares `size` bytes for its first member.
    static func npzDeclaringSize(_ size: UInt32) throws -> [UInt8] {
        var bytes = try npz(compressed: true)
        let signature: [UInt8] = [0x50, 0x4B, 0x01, 0x02]
        guard let entry = (0..<(bytes.count - 4)).first(where: { Array(bytes[$0..<($0 + 4)]) == signature }) else {
            return bytes
        }
        for index in 0..<4 { bytes[entry + 24 + index] = UInt8(truncatingIfNeeded: size >> (8 * UInt32(index))) }
        return bytes
    }

    /// IDX bytes of uint8 values with the given dimensions.
    static func idx(_ dimensions: [Int], _ values: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = [0, 0, 0x08, UInt8(dimensions.count)]
        for dimension in dimensions { bytes += (0..<4).map { UInt8(truncatingIfNeeded: dimension >> (24 - 8 * $0)) } }
        return bytes + values
    }

    /// The 20 images as an IDX file, whose header may claim another count.
    static func idxImages(claimedCount: Int = 20) -> [UInt8] { idx([claimedCount, 28, 28], pixels) }

    /// An MNIST-style folder `digits/` with `images` as the training images and whole other files.
    static func writeIDXFolder(_ scratch: Scratch, images: [UInt8]) throws {
        try scratch.write("digits/train-images-idx3-ubyte", images)
        try scratch.write("digits/train-labels-idx1-ubyte", idx([20], labels))
        try scratch.write("digits/t10k-images-idx3-ubyte", idxImages())
        try scratch.write("digits/t10k-labels-idx1-ubyte", idx([20], labels))
    }
}

/// Homework files (`MNIST_M.npy`-style object arrays) whose pickles would run a command if a
/// Python-style unpickler executed them: each would create the file `PWNED`.
enum HostilePickles {
    static let header = BadFiles.npyHeader("{'descr': '|O', 'fortran_order': False, 'shape': (3, 2), }")

    static func text(_ string: String) -> [UInt8] {
        [0x58] + withUnsafeBytes(of: UInt32(string.utf8.count).littleEndian, Array.init) + Array(string.utf8)
    }

    /// `os.system("touch PWNED")` as Python 2 pickles name it (`GLOBAL os system`).
    static let osSystem: [UInt8] = [0x80, 2] + Array("cos\nsystem\n".utf8) + text("touch PWNED") + [0x85, 0x52, 0x2E]
    /// The same as `pickle.dumps` writes it on Linux, where os.system is posix.system.
    static let posixSystem: [UInt8] =
        [0x80, 2] + Array("cposix\nsystem\n".utf8) + text("touch PWNED") + [0x85, 0x52, 0x2E]
    /// `builtins.eval("open('PWNED', 'w')")` through protocol 4's STACK_GLOBAL.
    static let builtinsEval: [UInt8] =
        [0x80, 4, 0x8C, 8] + Array("builtins".utf8) + [0x94, 0x8C, 4] + Array("eval".utf8) + [0x94, 0x93, 0x8C, 17]
        + Array("open('PWNED','w')".utf8) + [0x85, 0x52, 0x2E]
    /// `subprocess.Popen(["touch", "PWNED"])`.
    static let subprocessPopen: [UInt8] =
        [0x80, 3] + Array("csubprocess\nPopen\n".utf8) + [0x5D, 0x28] + text("touch") + text("PWNED") + [
            0x65, 0x85, 0x52, 0x2E,
        ]

    /// `pickle` in a homework file; the refusal (by check, before anything runs) names `global` and
    /// the file offset of the opcode that names it (`at` bytes into the pickle).
    static func pickleCase(_ pickle: [UInt8], global: String, at: Int) -> BadDataFileTests.Case {
        BadDataFileTests.Case(
            description: "homework pickle calls \(global)",
            setup: { scratch in
                try scratch.write("MNIST_M.npy", header + pickle)
                try scratch.write("bad.yaml", BadDataFileTests.spec("{homework: MNIST_M.npy}", channels: 3))
            }, arguments: ["bad.yaml", "--out", "out"],
            messages: [
                "bad.yaml:2:16: error: cannot read the data: {dir}/MNIST_M.npy: pickle names the global \(global), which is not allowed (only numpy",
                "at byte \(header.count + at)\n",
            ])
    }

    static let cases = [
        pickleCase(osSystem, global: "os.system", at: 2), pickleCase(posixSystem, global: "posix.system", at: 2),
        pickleCase(builtinsEval, global: "builtins.eval", at: 20),
        pickleCase(subprocessPopen, global: "subprocess.Popen", at: 2),
    ]
}

/// Background photos for `runexp data mnist-m` that are truncated, lie about their size or are not PNGs.
enum BadPNGs {
    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + body + bigEndian(crc32(body))
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) }
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc = ~UInt32(0)
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
        }
        return ~crc
    }

    /// A 40×40 grey RGB PNG whose header may claim another size (the data is stored, zlib level 0).
    static func png(claimed: (Int, Int) = (40, 40)) -> [UInt8] {
        let raw = [UInt8]((0..<40).flatMap { _ in [0] + [UInt8](repeating: 128, count: 120) })
        // A stored deflate block inside a zlib stream, with its Adler-32.
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in raw {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        let length = UInt16(raw.count)
        let zlib: [UInt8] =
            [0x78, 0x01, 0x01, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8)]
            + raw
            + bigEndian(b << 16 | a)
        let header = bigEndian(UInt32(claimed.0)) + bigEndian(UInt32(claimed.1)) + [8, 2, 0, 0, 0]
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", header) + chunk("IDAT", zlib)
            + chunk("IEND", [])
    }

    static func photoCase(_ name: String, _ bytes: [UInt8], _ message: String) -> BadDataFileTests.Case {
        BadDataFileTests.Case(
            description: "background photo \(name)",
            setup: { scratch in
                try BadFiles.writeIDXFolder(scratch, images: BadFiles.idxImages())
                try scratch.write("photos/ok.png", png())
                try scratch.write("photos/zbad.png", bytes)
            },
            arguments: ["data", "mnist-m", "--digits", "digits", "--backgrounds", "photos", "--out", "m.npz"],
            messages: ["{dir}/photos/zbad.png: \(message)"])
    }

    static let cases = [
        photoCase(
            "truncated", Array(png().prefix(100)),
            "truncated PNG: chunk 'IDAT' at byte 33 declares 4851 bytes, only 55 follow"),
        photoCase(
            "claiming 30000×30000 pixels", png(claimed: (30000, 30000)),
            "PNG header declares 30000×30000 pixels, more than the 268435456 runexp reads"),
        photoCase(
            "that is text", Array("not a picture\n".utf8),
            "not a PNG file: expected the signature 89 50 4e 47 0d 0a 1a 0a, found bytes 6e 6f 74 20 61 20 70 69"),
    ]
}
