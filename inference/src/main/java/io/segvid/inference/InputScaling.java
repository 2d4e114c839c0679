package io.segvid.inference;

/**
 * How a model wants its pixels. segvid's own models take uint8 and normalise in the graph (NONE);
 * Keras exports usually want float in [0,1] (UNIT) or [-1,1] (SYMMETRIC). The conversion is added
 * to the loaded graph, so the pipeline always feeds uint8.
 */
public enum InputScaling { NONE, UNIT, SYMMETRIC }
