package io.segvid.trainer.model;

/**
 * TRAIN normalises with batch statistics and updates the moving ones; INFER uses the moving ones
 * (the trainer's validation branch, on live variables); SERVE is the exported graph: batch norms
 * folded into constant convolution weights. Dilated convolutions stay space-to-batch in SERVE too:
 * TensorFlow's native dilated convolutions measured slower here (35.8 vs 32.8 ms/frame) and gave
 * different classes on 3 % of pixels.
 */
public enum Mode { TRAIN, INFER, SERVE }
