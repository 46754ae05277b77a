/// Small valid specs shared by the tests.
enum SpecExamples {
    static let aae = """
        name: aae
        data: {source: mnist, shape: [784]}
        prior: {normal: {dim: 8}}
        networks:
          encoder:
            layers: [dense: 16, relu, dense: 8]
          decoder:
            layers: [dense: 16, relu, dense: 784, sigmoid]
          discriminator:
            layers: [dense: 16, leaky_relu: 0.2, dense: 1]
        phases:
          - name: reconstruction
            loss: mse(decoder(encoder(x)), x)
            update: [encoder, decoder]
          - name: discriminator
            loss: bce_logits(discriminator(z), 1) + bce_logits(discriminator(encoder(x)), 0)
            update: [discriminator]
            optimizer: {sgd: {lr: 0.01, momentum: 0.9}}
          - name: generator
            loss: "-bce_logits(discriminator(encoder(x)), 0)"
            update: [encoder]
        train: {epochs: 2, batch_size: 10}
        outputs: [curves, reconstructions: {count: 4}, tsne: {points: 100}, latent: {samples: 16}]
        expect: {test_mse: {max: 0.1}}
        """
}
