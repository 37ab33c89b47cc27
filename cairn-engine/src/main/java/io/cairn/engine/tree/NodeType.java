package io.cairn.engine.tree;

/** The kind of a directory entry. */
public enum NodeType {
  FILE(0, "file"),
  DIR(1, "dir"),
  SYMLINK(2, "symlink"),
  FIFO(3, "fifo"),
  CHAR_DEVICE(4, "chardev"),
  BLOCK_DEVICE(5, "blockdev"),
  SOCKET(6, "socket");

  public final int code;
  public final String label;

  NodeType(int code, String label) {
    this.code = code;
    this.label = label;
  }

  public static NodeType of(int code) {
    for (NodeType t : values()) if (t.code == code) return t;
    throw new IllegalArgumentException("unknown node type " + code);
  }
}
