import Testing

@testable import Spec

/// The keys of `data.source: {images: …}` and the CIFAR sources: what they decode to and what
/// they refuse, each at its place.
struct ImageSourceSpecTests {
    static func spec(_ source: String) -> String {
        """
        name: t
        data: {source: \(source)}
        networks: {encoder: {layers: [flatten, dense: 2]}}
        phases: [{name: p, loss: "mse(encoder(x), x)", update: [encoder]}]
        """
    }

    static func problems(_ source: String) -> String {
        switch SpecLoader.load(text: spec(source), file: "t.yaml") {
        case .success: return ""
        case .failure(let problems): return "\(problems)"
        }
    }

    @Test func imageKeysDecodeWithTheirDefaults() throws {
        let loaded = try SpecLoader.load(
            text: Self.spec("{images: pics, shape: [32, 32, 3], resize: 36, center_crop: true}"), file: "t.yaml"
        ).get()
        #expect(
            loaded.data.source
                == .images(
                    ImageFolderSource(
                        directory: "pics", shape: [32, 32, 3], resize: 36, centerCrop: true, skipUnreadable: false)))
        #expect(loaded.data.sampleShape == [32, 32, 3])
        let plain = try SpecLoader.load(text: Self.spec("{images: pics}"), file: "t.yaml").get()
        #expect(plain.data.sampleShape == nil)
        #expect(
            try SpecLoader.load(text: Self.spec("{cifar100: c}"), file: "t.yaml").get().data.source
                == .cifar100(directory: "c"))
    }

    @Test func badImageKeysAreRefusedAtTheirPlace() {
        #expect(
            Self.problems("{images: p, shape: [32, 32, 2]}").contains(
                "data.source.shape must be [height, width, channels] with 1 (grayscale) or 3 (RGB) channels; found [32, 32, 2]"
            ))
        #expect(
            Self.problems("{images: p, center_crop: true}").contains("data.source.center_crop needs a shape to crop to")
        )
        #expect(Self.problems("{images: p, resize: 0}").contains("data.source.resize"))
        #expect(Self.problems("{images: p, skip_unreadble: true}").contains("did you mean 'skip_unreadable'?"))
        #expect(Self.problems("{npy: p, shape: [1, 1, 1]}").contains("unknown key 'shape' in data.source"))
        #expect(
            Self.problems("{cifar: p}").contains(
                "data.source must name exactly one of npy, npz, homework, idx, images, cifar10, cifar100 with its path")
        )
    }
}
