/// The spec and loss-expression seeds: the committed experiments, the documented example and
/// specs that reach every layer, prior, optimizer, output and key at least once, plus the tokens
/// the mutator inserts (keys, layer and loss names, YAML syntax that has hurt parsers before).
enum SeedTexts {
    static let cnnAutoencoder = """
        # The assignment's first half: a convolutional autoencoder on MNIST-M, trained with the
        # least-squares (per-pixel MSE) objective. The layers mirror ../shared/bench/torch_ref.py.
        name: cnn_ae
        description: CNN autoencoder on MNIST-M with a least-squares loss
        seed: 0
        data:
          source: mnist-m          # embedded: MNIST digits blended into CC0 photos (the MNIST-M recipe)
          validation: 0.1          # held out of train, since the embedded set has no validation split
        networks:
          # Xavier-uniform starts reach a lower test MSE than He-uniform here (0.0124 against 0.0169 after
          # 10 epochs, seed 0); PyTorch's default start gives 0.0138 on the same images.
          encoder:
            init: xavier_uniform
            layers:
              - conv2d: {filters: 32, kernel: 3, stride: 2, padding: 1}    # 28×28×3 → 14×14×32
              - relu
              - conv2d: {filters: 64, kernel: 3, stride: 2, padding: 1}    # → 7×7×64
              - relu
              - flatten
              - dense: 64                                                 # the code
          decoder:
            init: xavier_uniform
            layers:
              - dense: 3136
              - relu
              - reshape: [7, 7, 64]
              - conv2d_transpose: {filters: 32, kernel: 3, stride: 2, padding: 1, output_padding: 1}
              - relu
              - conv2d_transpose: {filters: 3, kernel: 3, stride: 2, padding: 1, output_padding: 1}
              - sigmoid
        phases:
          - name: reconstruction
            loss: mse(decoder(encoder(x)), x)
            update: [encoder, decoder]
            optimizer: {adam: {lr: 1.0e-3}}
        train:
          epochs: 10
          batch_size: 100
        outputs:
          - curves: [reconstruction]
          - reconstructions: {split: test, count: 10}
        replay: {epochs: 1, train_limit: 2000}
        """

    static let adversarialAutoencoder = """
        # The assignment's second half: an adversarial autoencoder for dimension reduction.
        # MLP encoder, decoder and discriminator; prior N(0, I) in 100 dimensions; three phases per batch.
        name: aae_mlp
        description: Adversarial autoencoder with a 100-d normal prior on MNIST
        seed: 0
        data:
          source: mnist            # embedded: 5,000 training digits, the official 10,000 test digits
          shape: [784]             # the assignment's data.npy layout: one flat row per image
          validation: 0.1
        prior: {normal: {dim: 100, mean: 0, std: 1}}
        networks:
          encoder:
            input: [784]
            layers: [dense: 1000, relu, dense: 1000, relu, dense: 100]
          decoder:
            layers: [dense: 1000, relu, dense: 1000, relu, dense: 784, sigmoid]
          discriminator:
            layers: [dense: 1000, relu, dense: 1000, relu, dense: 1]      # logits
        phases:
          # (a) reconstruction: encoder and decoder learn to reproduce x.
          - name: reconstruction
            loss: mse(decoder(encoder(x)), x)
            update: [encoder, decoder]
            optimizer: {adam: {lr: 1.0e-3}}
          # (b) regularization: the discriminator learns -log D(z) - log(1 - D(Enc(x))).
          - name: discriminator
            loss: bce_logits(discriminator(z), 1) + bce_logits(discriminator(encoder(x)), 0)
            update: [discriminator]
            optimizer: {adam: {lr: 1.0e-4}}
          # (c) generator: the encoder learns to fool the discriminator (non-saturating -log D(Enc(x))).
          # The assignment's exact objective E[log(1 - D(Enc(x)))] is:
          #   loss: -bce_logits(discriminator(encoder(x)), 0)
          - name: generator
            loss: bce_logits(discriminator(encoder(x)), 1)
            update: [encoder]
            optimizer: {adam: {lr: 1.0e-4}}
        train:
          epochs: 50
          batch_size: 100
        outputs:
          - curves: [reconstruction, discriminator, generator]
          - reconstructions: {split: test, count: 10}
          - tsne: {split: train, points: 5000, perplexity: 30}
          - latent: {samples: 100, interpolations: 8, steps: 10}
        replay: {epochs: 1, train_limit: 2000}
        """

    /// Every layer, the uniform prior, SGD, a file source, `expect`, `replay` and two `--set` lines.
    static let everyLayer = """
        #! train.epochs=2
        #! phases.reconstruction.optimizer={sgd: {lr: 0.1, momentum: 0.9}}
        name: every_layer
        seed: 3
        data: {source: {npy: data.npy, labels: labels.npy}, shape: [28, 28, 1], validation: 0.2, train_limit: 500}
        prior: {uniform: {dim: 8, low: -2, high: 2}}
        networks:
          encoder:
            input: [28, 28, 1]
            init: he_normal
            layers:
              - conv2d: {filters: 4, kernel: 5, stride: 2, padding: valid, bias: false}
              - batch_norm: {momentum: 0.2, epsilon: 1.0e-3}
              - leaky_relu: 0.2
              - dropout: 0.3
              - flatten
              - dense: {units: 8, bias: true}
              - tanh
          decoder:
            init: xavier_normal
            layers: [dense: 196, relu, reshape: [7, 7, 4], conv2d_transpose: {filters: 1, kernel: 4, stride: 4, padding: 0}, sigmoid]
          critic: {layers: [dense: 16, leaky_relu, dense: 1]}
        phases:
          - name: reconstruction
            loss: sse(decoder(encoder(x)), x) + 0.5 * l1(decoder(encoder(x)), x)
            update: [encoder, decoder]
          - name: critic
            loss: bce_logits(critic(z), 1) + bce_logits(critic(encoder(x)), 0)
            update: [critic]
            optimizer: {adam: {lr: 2.0e-4, beta1: 0.5, beta2: 0.99, epsilon: 1.0e-7, weight_decay: 1.0e-5}}
          - name: generator
            loss: bce_logits(critic(encoder(x)), 1) * 0.5 - 0.1 * l1(encoder(x), 0)
            update: [encoder]
        train: {epochs: 3, batch_size: 32, shuffle: false, log_every: 10}
        outputs:
          - curves: [reconstruction, critic]
          - reconstructions: {split: validation, count: 4}
          - tsne: {split: test, points: 100, perplexity: 5, encoder: encoder}
          - latent: {samples: 16, interpolations: 2, steps: 3, encoder: encoder, decoder: decoder}
        expect:
          test_mse: {max: 0.5}
          codes_knn_accuracy: {min: 0.1, max: 1}
        replay: {epochs: 1, train_limit: 100, tolerance: 1.0e-3}
        """

    /// The mixture prior and anchors, an alias, flow style and a document marker.
    static let mixturePrior = """
        %YAML 1.1
        ---
        name: mixture
        description: "2-D codes, \\"quoted\\" description"
        data: {source: fashion-mnist, shape: &flat [784]}
        prior: {mixture: {modes: 10, radius: 4, std: 0.5}}
        networks:
          encoder: {input: *flat, layers: [dense: 64, relu, dense: 2]}
          decoder: {layers: [dense: 64, relu, dense: 784, sigmoid]}
          discriminator: {layers: [dense: 32, relu, dense: 1]}
        phases:
          - {name: reconstruction, loss: "mse(decoder(encoder(x)), x)", update: [encoder, decoder]}
          - {name: discriminator, loss: "bce_logits(discriminator(z), 1) + bce_logits(discriminator(encoder(x)), 0)", update: [discriminator]}
          - {name: generator, loss: "-bce_logits(discriminator(encoder(x)), 0)", update: [encoder]}
        train: {epochs: 1, batch_size: 100}
        outputs: [curves, latent]
        ...
        """

    static let specs = [cnnAutoencoder, adversarialAutoencoder, everyLayer, mixturePrior]

    static let specTokens = [
        "name: ", "seed: ", "data: ", "source: ", "shape: ", "validation: ", "train_limit: ", "prior: ", "networks: ",
        "layers: ", "input: ", "init: ", "phases: ", "loss: ", "update: ", "optimizer: ", "train: ", "epochs: ",
        "batch_size: ", "shuffle: ", "log_every: ", "outputs: ", "expect: ", "replay: ", "dense: ", "conv2d: ",
        "conv2d_transpose: ", "filters: ", "kernel: ", "stride: ", "padding: ", "output_padding: ", "reshape: ",
        "flatten", "relu", "sigmoid", "tanh", "leaky_relu", "dropout: ", "batch_norm", "residual: [", "{npy: ",
        "{npz: ",
        "{homework: ", "{idx: ", "mnist", "mnist-m", "{normal: {dim: ", "{uniform: ", "{mixture: ", "{adam: {lr: ",
        "{sgd: ", "curves", "reconstructions", "tsne", "latent", "points: ", "perplexity: ", "split: ", "count: ",
        "samples: ", "&a ", "*a", "&b [*a, *a, *a, *a]", "<<: *a", "!!str ", "!!binary ", "!!python/object:os.system ",
        "? ", "- ", "[", "]", "{", "}", ": ", ", ", "\n  ", "\n- ", "\n", "\t", "\"", "'", "|\n", ">-\n", "#", "---\n",
        "...\n", "%TAG ! tag:x,2000:\n", "~", "null", "true", "no", "0x", "1e400", "-.inf", ".nan", "\u{0}", "\u{FEFF}",
        "\\u0000", "é", "𝑥", "#! train.epochs=", "#! phases.", "#! networks.encoder.layers=[", "#! data.source=",
        "../", "/etc/passwd", "x", "z", "mse(", "bce_logits(", "encoder(", "decoder(x)", ")", "99999999999999999999",
        "[65536, 65536, 65536]", "[7, 7, 64]", "0", "-1", "16777216",
    ]

    static let expressions = [
        "mse(decoder(encoder(x)), x)", "bce_logits(discriminator(z), 1) + bce_logits(discriminator(encoder(x)), 0)",
        "-bce_logits(discriminator(encoder(x)), 0)", "sse(d(e(x)), x) + 0.5 * l1(d(e(x)), x) - 2 * (mse(a, b))",
        "bce(sigmoid_net(encoder(x)), 1.0e-3)", "((mse(x, x)))", "-(-(-l1(z, 0)))", "mse(f(g(h(x))), 1e-9) * 3",
    ]

    static let expressionTokens = [
        "mse(", "sse(", "l1(", "bce(", "bce_logits(", "encoder(", "decoder(", "(", ")", ",", " + ", " - ", " * ", "-",
        "x", "z", "1", "0.5", "1e400", "-1e-400", "99999999999999999999", ".", "e", "1e", "nan", "inf", "_", "é", " ",
        "\t", "\n", "\u{0}", "((((((((((((((((", "))))))))))))))))", "--------",
    ]
}
