package io.cairn.engine.pack;

/** How a blob's payload is encoded before encryption. */
public enum Compression {
  /** Stored as is (incompressible data, or compression turned off). */
  NONE(0),
  /** One zstd frame. */
  ZSTD(1);

  public final int code;

  Compression(int code) {
    this.code = code;
  }

  public static Compression of(int code) {
    return switch (code) {
      case 0 -> NONE;
      case 1 -> ZSTD;
      default -> throw new IllegalArgumentException("unknown compression " + code);
    };
  }
}
