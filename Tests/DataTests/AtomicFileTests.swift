import Foundation
import Testing

@testable import Data

/// A new, empty folder for one test.
private func makeScratchFolder(_ name: String = #function) throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("runexp-atomic-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder.path
}

private func readBytes(_ path: String) throws -> [UInt8] {
    Array(try Foundation.Data(contentsOf: URL(fileURLWithPath: path)))
}

@Test func atomicWriteLeavesNoTemporaryFileBehind() throws {
    let folder = try makeScratchFolder()
    try AtomicFile.write(data: Array("hello".utf8), to: folder + "/greeting.txt")
    let names = try FileManager.default.contentsOfDirectory(atPath: folder)
    #expect(names == ["greeting.txt"])
}

@Test func atomicWriteReplacesAnExistingFile() throws {
    let folder = try makeScratchFolder()
    let path = folder + "/value.txt"
    try AtomicFile.write(text: "a much longer first version", to: path)
    try AtomicFile.write(text: "second", to: path)
    #expect(try readBytes(path) == Array("second".utf8))
}

@Test func atomicWriteUsesAHiddenNameInTheSameFolder() throws {
    let temporary = AtomicFile.temporaryPath(for: "/some/folder/plot.svg")
    #expect(temporary == "/some/folder/.plot.svg.tmp-\(getpid())")
}

@Test func atomicWriteIntoAMissingFolderThrowsNamingThePath() throws {
    let folder = try makeScratchFolder()
    let path = folder + "/missing/file.txt"
    do {
        try AtomicFile.write(text: "x", to: path)
        Issue.record("expected an error")
    } catch let error as SourceError {
        #expect(error.description.contains("missing"))
    }
}

@Test func filesWrittenTogetherAreAllReplacedOrNoneIs() throws {
    let folder = try makeScratchFolder()
    let first = folder + "/parameters.bin", second = folder + "/state.bin"
    try AtomicFile.writeTogether([(Data("epoch 1".utf8), first), (Data("epoch 1".utf8), second)])
    // The second file cannot be written (its folder is missing): the first must not move to epoch 2.
    let missing = folder + "/missing/state.bin"
    #expect(throws: SourceError.self) {
        try AtomicFile.writeTogether([(Data("epoch 2".utf8), first), (Data("epoch 2".utf8), missing)])
    }
    #expect(try readBytes(first) == Array("epoch 1".utf8))
    #expect(try readBytes(second) == Array("epoch 1".utf8))
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["parameters.bin", "state.bin"])
}

@Test func appendAddsWholeLinesAndCreatesTheFile() throws {
    let path = try makeScratchFolder() + "/log.jsonl"
    try AtomicFile.append(Array("one\n".utf8), to: path)
    try AtomicFile.append(Array("two\n".utf8), to: path)
    #expect(try readBytes(path) == Array("one\ntwo\n".utf8))
}
