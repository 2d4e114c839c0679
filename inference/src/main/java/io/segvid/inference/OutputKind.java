package io.segvid.inference;

/** What the model's output tensor holds: class ids [N,H,W], or per-class scores [N,H,W,C]. */
public enum OutputKind { CLASSES, LOGITS, PROBABILITIES }
