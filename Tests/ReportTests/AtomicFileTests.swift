import Foundation
import Testing

@testable import Report

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
    } catch let error as ReportError {
        #expect(error.description.contains("missing"))
    }
}
