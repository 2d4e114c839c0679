package io.segvid.trainer.train;

/**
 * The per-pixel training loss. Focal loss (gamma 2) scales each pixel's cross-entropy by
 * (1 - p)^2, where p is the probability given to the right class: pixels the model already gets right
 * (most of the road and sky) fade out of the sum, and the hard ones, often thin classes (pole, sign,
 * pedestrian, bicyclist) and boundaries, keep their weight. LOVASZ adds the Lovász-softmax loss
 * ({@link LovaszSoftmax}, a surrogate of 1 - IoU averaged over the classes present) to the weighted
 * cross-entropy, which keeps a dense gradient for every pixel.
 */
public enum LossKind { CROSS_ENTROPY, FOCAL, LOVASZ }
