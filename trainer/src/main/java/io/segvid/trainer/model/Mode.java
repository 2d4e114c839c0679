package io.segvid.trainer.model;

/** TRAIN normalises with batch statistics and updates the moving ones; INFER uses the moving ones. */
public enum Mode { TRAIN, INFER }
