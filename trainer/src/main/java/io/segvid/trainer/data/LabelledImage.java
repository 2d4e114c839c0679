package io.segvid.trainer.data;

/** One decoded training pair: RGB pixels (row-major HxWx3) and label ids (HxW), both 8-bit. */
public record LabelledImage(String name, int height, int width, byte[] rgb, byte[] labels) { }
