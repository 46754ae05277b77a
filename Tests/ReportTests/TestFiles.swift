import Foundation

/// A fresh, empty folder for one test's files; each call gets its own so tests can run in parallel.
func makeScratchFolder(_ name: String = #function) throws -> String {
    let safeName = name.filter { $0.isLetter || $0.isNumber }
    let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("ReportTests-\(safeName)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder.path
}

/// The bytes of the file at `path`.
func readBytes(_ path: String) throws -> [UInt8] {
    [UInt8](try Foundation.Data(contentsOf: URL(fileURLWithPath: path)))
}

/// Width and height from a PNG's IHDR chunk, which always directly follows the 8-byte signature.
func pngDimensions(_ bytes: [UInt8]) -> (width: Int, height: Int)? {
    let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    guard bytes.count >= 24, Array(bytes[0..<8]) == signature, Array(bytes[12..<16]) == Array("IHDR".utf8)
    else { return nil }
    func bigEndian(_ offset: Int) -> Int {
        bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
    }
    return (bigEndian(16), bigEndian(20))
}
