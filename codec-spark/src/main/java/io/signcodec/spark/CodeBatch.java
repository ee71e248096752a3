package io.signcodec.spark;

/**
 * A batch of codes end to end, as the decoder and the scorer take them, filled one row's code at a
 * time by decode and search alike.
 */
final class CodeBatch {
  private final byte[] codes;
  private final int codeBytes;

  CodeBatch(int codeBytes, int batchRows) {
    this.codes = new byte[batchRows * codeBytes];
    this.codeBytes = codeBytes;
  }

  /** The codes, slot after slot. */
  byte[] codes() {
    return codes;
  }

  /** Copies {@code code} into slot {@code slot}; its defect instead, if it is null or mis-sized. */
  String put(byte[] code, int slot) {
    String defect = Defects.code(code, codeBytes);
    if (defect == null) {
      System.arraycopy(code, 0, codes, slot * codeBytes, codeBytes);
    }
    return defect;
  }
}
