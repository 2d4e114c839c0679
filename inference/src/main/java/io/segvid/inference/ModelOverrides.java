package io.segvid.inference;

/**
 * Settings given on the command line or in config that replace (or, for a foreign model without
 * {@value ModelMetadata#FILE_NAME}, supply) the metadata: signature keys, scaling, output kind,
 * number of classes, input size. Null fields keep the metadata's value.
 */
public record ModelOverrides(String signature, String inputKey, String outputKey, InputScaling inputScaling,
                             OutputKind outputKind, Integer numClasses, Integer inputHeight, Integer inputWidth) {

  public static final ModelOverrides NONE = new ModelOverrides(null, null, null, null, null, null, null, null);

  public boolean isEmpty() {
    return equals(NONE);
  }
}
