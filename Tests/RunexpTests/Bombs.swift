import CZlib
import Foundation

/// Decompression bombs: small files that inflate to gigabytes of zeros, made as a crafted file
/// would be. The deflate stream is a stored block holding the header, then one compressed MiB of
/// zeros (ended by a full flush, so it refers to nothing before it) repeated, then an empty final block.
enum Bombs {
    /// One MiB of zeros as raw deflate, byte-aligned and self-contained.
    static let zeroMiB: [UInt8] = {
        var stream = z_stream()
        deflateInit2_(
            &stream, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        defer { deflateEnd(&stream) }
        var input = [UInt8](repeating: 0, count: 1 << 20)
        var output = [UInt8](repeating: 0, count: 1 << 16)
        let made = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target -> Int in
                stream.next_in = source.baseAddress
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                deflate(&stream, Z_FULL_FLUSH)
                return target.count - Int(stream.avail_out)
            }
        }
        return Array(output.prefix(made))
    }()

    /// `header` followed by `mebibytes` MiB of zeros, as raw deflate.
    static func deflated(header: [UInt8], mebibytes: Int) -> [UInt8] {
        let length = UInt16(header.count)
        let stored: [UInt8] = [0, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8)]
        var bytes = stored + header
        for _ in 0..<mebibytes { bytes += zeroMiB }
        return bytes + [0x03, 0x00]
    }

    static func littleEndian(_ value: Int, _ width: Int) -> [UInt8] {
        (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }

    /// An `.npz` whose one member, `train_x.npy`, declares and inflates to a uint8 array of
    /// `mebibytes` MiB (its CRC is not computed: the reader must refuse it before it could check).
    static func npz(mebibytes: Int) -> [UInt8] {
        let header = BadFiles.npyHeader("{'descr': '|u1', 'fortran_order': False, 'shape': (\(mebibytes << 20),), }")
        let data = deflated(header: header, mebibytes: mebibytes)
        let size = header.count + mebibytes << 20
        let name = Array("train_x.npy".utf8)
        let sizes =
            littleEndian(0, 4) + littleEndian(data.count, 4) + littleEndian(size, 4) + littleEndian(name.count, 2)
        let local = littleEndian(0x0403_4B50, 4) + [20, 0, 0, 0, 8, 0, 0, 0, 0, 0] + sizes + [0, 0] + name
        let central =
            littleEndian(0x0201_4B50, 4) + [20, 0, 20, 0, 0, 0, 8, 0, 0, 0, 0, 0] + sizes
            + [UInt8](repeating: 0, count: 16) + name
        let end =
            littleEndian(0x0605_4B50, 4) + [0, 0, 0, 0, 1, 0, 1, 0] + littleEndian(central.count, 4)
            + littleEndian(local.count + data.count, 4) + [0, 0]
        return local + data + central + end
    }

    /// A gzipped IDX file of `mebibytes` MiB of uint8 zeros; its trailer says 0 bytes (the size
    /// modulo 2^32 is no bound), so only inflating tells the size.
    static func gzippedIDX(mebibytes: Int) -> [UInt8] {
        let count = mebibytes << 20
        let header: [UInt8] = [0, 0, 8, 1] + (0..<4).map { UInt8(truncatingIfNeeded: count >> (24 - 8 * $0)) }
        return [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF] + deflated(header: header, mebibytes: mebibytes)
            + [UInt8](repeating: 0, count: 8)
    }
}
