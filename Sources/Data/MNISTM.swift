import Kernels

/// The MNIST-M recipe (Ganin & Lempitsky, 2015): each digit blended with a random patch of a colour photo.
public enum MNISTM {
    /// The side of an MNIST digit and of each background crop.
    public static let side = 28

    /// Colour versions of `digits` (uint8 N×28×28 or N×28×28×1): for each digit, in order, draws a
    /// background index, a crop row and a crop column from `random`, binarizes the digit (pixel > 0
    /// becomes 255) and outputs |crop − digit| per channel. Returns uint8 N×28×28×3.
    public static func make<Source: RandomWordSource>(
        digits: NumericArray, backgrounds: [NumericArray], random: inout Source
    ) throws -> NumericArray {
        let shape = digits.shape
        guard digits.dtype == .uint8, shape.count == 3 || (shape.count == 4 && shape[3] == 1),
            shape[1] == side, shape[2] == side
        else {
            throw SourceError(
                "MNIST-M", "digits must be uint8 N×28×28 or N×28×28×1, found \(digits.dtype) of shape \(shape)")
        }
        guard !backgrounds.isEmpty else { throw SourceError("MNIST-M", "no background photos given") }
        for (index, photo) in backgrounds.enumerated() {
            guard photo.dtype == .uint8, photo.shape.count == 3, photo.shape[2] == 3,
                photo.shape[0] >= side, photo.shape[1] >= side
            else {
                throw SourceError(
                    "MNIST-M", "background \(index) must be uint8 H×W×3 with H, W ≥ 28, found \(photo.shape)")
            }
        }
        let count = shape[0]
        let pixelsPerDigit = side * side
        var output = [UInt8](repeating: 0, count: count * pixelsPerDigit * 3)
        for digit in 0..<count {
            let photo = backgrounds[random.index(below: backgrounds.count)]
            let top = random.index(below: photo.shape[0] - side + 1)
            let left = random.index(below: photo.shape[1] - side + 1)
            let width = photo.shape[1]
            for row in 0..<side {
                for column in 0..<side {
                    let ink = digits.bytes[digit * pixelsPerDigit + row * side + column] > 0
                    let source = ((top + row) * width + left + column) * 3
                    let target = (digit * pixelsPerDigit + row * side + column) * 3
                    for channel in 0..<3 {
                        let background = photo.bytes[source + channel]
                        output[target + channel] = ink ? 255 - background : background
                    }
                }
            }
        }
        return NumericArray(validatedShape: [count, side, side, 3], dtype: .uint8, bytes: output)
    }

    /// `make` applied to labelled digits, keeping their labels.
    public static func make<Source: RandomWordSource>(
        digits: LabeledImages, backgrounds: [NumericArray], random: inout Source
    ) throws -> LabeledImages {
        try LabeledImages(
            images: make(digits: digits.images, backgrounds: backgrounds, random: &random), labels: digits.labels,
            source: "MNIST-M")
    }
}
