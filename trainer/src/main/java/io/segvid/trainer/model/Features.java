package io.segvid.trainer.model;

import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/** What a backbone hands to the DeepLabV3+ head: the deep feature and the stride-4 feature. */
public record Features(Operand<TFloat32> high, int highChannels, Operand<TFloat32> low, int lowChannels) { }
