package io.segvid.trainer.train;

/**
 * Adam (weight decay added to the gradient, as L2), AdamW (Adam with the weight decay decoupled from the
 * gradient: Loshchilov and Hutter, ICLR 2019), or SGD with momentum (Nesterov off).
 */
public enum OptimizerKind { ADAM, SGD, ADAMW }
