package io.segvid.trainer.model;

import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * What a backbone hands to the DeepLabV3+ head: the deep feature, the stride-4 feature and the
 * stride-2 feature (read only by a decoder that continues to half resolution).
 */
public record Features(Operand<TFloat32> high, int highChannels, Operand<TFloat32> low, int lowChannels,
                       Operand<TFloat32> half, int halfChannels) { }
