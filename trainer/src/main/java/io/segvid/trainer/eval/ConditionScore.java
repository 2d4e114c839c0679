package io.segvid.trainer.eval;

/** A model's scores on pictures under one named condition (another white balance, noise, ...). */
public record ConditionScore(String name, String description, ConfusionMatrix confusion) { }
