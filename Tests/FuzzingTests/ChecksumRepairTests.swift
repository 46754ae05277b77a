import Fuzzing
import Testing

/// The PNG checksum repair really restores CRCs, so half of the PNG inputs get past libpng's CRC check.
struct ChecksumRepairTests {
    @Test func crc32MatchesTheStandardCheckValue() {
        #expect(ChecksumRepair.crc32(Array("123456789".utf8)[...]) == 0xCBF4_3926)
    }

    @Test func aPNGWhoseChunkCRCIsBrokenIsRefusedAndAcceptedOnceRepaired() throws {
        let target = try #require(FuzzTargets.named("png"))
        var bytes = try #require(target.seeds.first)
        let idat = try #require((12..<(bytes.count - 4)).first { Array(bytes[$0..<($0 + 4)]) == Array("IDAT".utf8) })
        let length = bytes[(idat - 4)..<idat].reduce(0) { $0 << 8 | Int($1) }
        bytes[idat + 4 + length] ^= 0xFF
        #expect(target.run(bytes) != .accepted)
        ChecksumRepair.png(&bytes)
        #expect(target.run(bytes) == .accepted)
    }
}

/// The zip repair restores the CRC of a stored member whose contents a mutation changed.
struct ZipRepairTests {
    @Test func anNpzWithAChangedStoredMemberIsAcceptedAgainOnceRepaired() throws {
        let target = try #require(FuzzTargets.named("npz"))
        var bytes = try #require(target.seeds.first)
        #expect(bytes.starts(with: [0x50, 0x4B, 3, 4]) && bytes[8] == 0, "the first seed stores its members")
        let data = 30 + Int(bytes[26]) + Int(bytes[27]) << 8 + Int(bytes[28]) + Int(bytes[29]) << 8
        bytes[data + 200] ^= 0x55  // a pixel of train_x, past the .npy header
        #expect(target.run(bytes) != .accepted)
        ChecksumRepair.zip(&bytes)
        #expect(target.run(bytes) == .accepted)
    }
}
