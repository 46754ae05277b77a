import Testing

@testable import Data

@Test func elementCountRejectsOverflowingShape() {
    #expect(throws: SourceError.self) {
        _ = try NumericArray.elementCount(shape: [Int.max / 2, 3], source: "t")
    }
}

@Test func typedAccessRequiresMatchingDType() throws {
    let array = try NumericArray(shape: [2, 2], elements: [UInt8(1), 2, 3, 250])
    #expect(try array.elements(as: UInt8.self) == [1, 2, 3, 250])
    #expect(array.floats() == [1, 2, 3, 250])
    #expect(throws: SourceError.self) { _ = try array.elements(as: Float.self) }
}
