package io.segvid.trainer.model;

import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * The two backbones. Once the running stride reaches the output stride, further downsampling is
 * replaced by dilation (the rate doubles instead), as DeepLab does.
 */
final class Backbones {

  private Backbones() { }

  /** MobileNetV2 stages: expansion, channels, repeats, stride. The final 1x1 to 1280 is dropped. */
  private static final int[][] MOBILENET_V2 = {
      {1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};

  /** {@code instanceNorm}: IBN-a in the stages ending at strides 4, 8 and 16 ({@link Layers#convIbnAct}). */
  static Features mobileNetV2(Layers l, Operand<TFloat32> x, float width, int outputStride, boolean instanceNorm) {
    int channels = divisible(32 * width);
    Operand<TFloat32> h = l.convBnAct(x, "backbone.stem", 3, 3, channels, 2, 1, Activation.RELU6);
    int stride = 2;
    int rate = 1;
    Operand<TFloat32> low = null;
    int lowChannels = 0;
    Operand<TFloat32> half = null;
    int halfChannels = 0;
    for (int s = 0; s < MOBILENET_V2.length; s++) {
      int expansion = MOBILENET_V2[s][0];
      int out = divisible(MOBILENET_V2[s][1] * width);
      for (int i = 0; i < MOBILENET_V2[s][2]; i++) {
        int blockStride = i == 0 ? MOBILENET_V2[s][3] : 1;
        int blockRate = rate;
        if (blockStride > 1 && stride >= outputStride) {
          rate *= blockStride;  // dilate from the next block on, keep this block's receptive field
          blockStride = 1;
        } else {
          stride *= blockStride;
        }
        h = invertedResidual(l, h, "backbone.s" + s + ".b" + i, channels, out, expansion, blockStride, blockRate,
            instanceNorm && s >= 1 && s <= 3);
        channels = out;
      }
      if (s >= 1 && s <= 3) h = l.mixStyles(h);  // the stages ending at strides 4, 8 and 16: early, not last
      // The skip features are the last stage's output at their stride, before the next one halves it.
      boolean lastAtThisStride = s + 1 < MOBILENET_V2.length && MOBILENET_V2[s + 1][3] == 2;
      if (lastAtThisStride && stride == 2 && half == null) {
        half = h;
        halfChannels = channels;
      }
      if (lastAtThisStride && stride == 4 && low == null) {
        low = h;
        lowChannels = channels;
      }
    }
    return new Features(h, channels, low, lowChannels, half, halfChannels);
  }

  private static Operand<TFloat32> invertedResidual(Layers l, Operand<TFloat32> x, String name, int cin, int cout,
                                                    int expansion, int stride, int rate, boolean instanceNorm) {
    Operand<TFloat32> h = x;
    int hidden = cin * expansion;
    if (expansion != 1) {
      h = instanceNorm ? l.convIbnAct(h, name + ".expand", 1, cin, hidden, 1, 1, Activation.RELU6)
          : l.convBnAct(h, name + ".expand", 1, cin, hidden, 1, 1, Activation.RELU6);
    }
    h = l.depthwiseBnAct(h, name + ".dw", 3, hidden, stride, rate, Activation.RELU6);
    h = l.convBn(h, name + ".project", 1, hidden, cout, 1, 1);
    return stride == 1 && cin == cout ? l.tf().math.add(h, x) : h;
  }

  /** ResNet-50 (v1, stride in the 3x3 conv): stages of 3, 4, 6, 3 bottlenecks. */
  static Features resNet50(Layers l, Operand<TFloat32> x, int outputStride) {
    Operand<TFloat32> stem = l.convBnRelu(x, "backbone.stem", 7, 3, 64, 2, 1);
    Operand<TFloat32> h = l.tf().nn.maxPool(stem, l.tf().constant(new int[] {1, 3, 3, 1}), l.tf().constant(new int[] {1, 2, 2, 1}), "SAME");
    int[] repeats = {3, 4, 6, 3};
    int channels = 64;
    int stride = 4;
    int rate = 1;
    Operand<TFloat32> low = null;
    int lowChannels = 0;
    for (int s = 0; s < repeats.length; s++) {
      int width = 64 << s;
      for (int i = 0; i < repeats[s]; i++) {
        int blockStride = (i == 0 && s > 0) ? 2 : 1;
        int blockRate = rate;
        if (blockStride > 1 && stride >= outputStride) {
          rate *= blockStride;
          blockRate = rate;
          blockStride = 1;
        } else {
          stride *= blockStride;
        }
        h = bottleneck(l, h, "backbone.s" + s + ".b" + i, channels, width, blockStride, blockRate);
        channels = width * 4;
      }
      if (s < 3) h = l.mixStyles(h);
      if (s == 0) {
        low = h;
        lowChannels = channels;
      }
    }
    return new Features(h, channels, low, lowChannels, stem, 64);
  }

  private static Operand<TFloat32> bottleneck(Layers l, Operand<TFloat32> x, String name, int cin, int width,
                                              int stride, int rate) {
    int cout = width * 4;
    Operand<TFloat32> h = l.convBnRelu(x, name + ".a", 1, cin, width, 1, 1);
    h = l.convBnRelu(h, name + ".b", 3, width, width, stride, rate);
    h = l.convBn(h, name + ".c", 1, width, cout, 1, 1);
    Operand<TFloat32> shortcut = (stride != 1 || cin != cout) ? l.convBn(x, name + ".shortcut", 1, cin, cout, stride, 1) : x;
    return l.tf().nn.relu(l.tf().math.add(h, shortcut));
  }

  /** Channel count rounded to a multiple of 8, never more than 10% below the request (MobileNet's rule). */
  static int divisible(float channels) {
    int rounded = Math.max(8, (int) (channels + 4) / 8 * 8);
    return rounded < 0.9f * channels ? rounded + 8 : rounded;
  }
}
