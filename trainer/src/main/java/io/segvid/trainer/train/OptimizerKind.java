package io.segvid.trainer.train;

/** Adam, or SGD with momentum (Nesterov off). */
public enum OptimizerKind { ADAM, SGD }
