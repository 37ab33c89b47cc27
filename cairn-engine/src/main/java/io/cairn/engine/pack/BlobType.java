package io.cairn.engine.pack;

/** What a blob holds. Data and tree blobs go to separate packs so tree walks read only tree packs. */
public enum BlobType {
  DATA(0),
  TREE(1);

  public final int code;

  BlobType(int code) {
    this.code = code;
  }

  public static BlobType of(int code) {
    return switch (code) {
      case 0 -> DATA;
      case 1 -> TREE;
      default -> throw new IllegalArgumentException("unknown blob type " + code);
    };
  }
}
