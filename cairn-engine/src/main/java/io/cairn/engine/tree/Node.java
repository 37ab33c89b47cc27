package io.cairn.engine.tree;

import io.cairn.engine.BlobId;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One directory entry with the metadata Cairn keeps.
 *
 * <p>Names, symlink targets and xattr names and values are <em>byte strings</em>: Java strings with
 * one char per byte (ISO-8859-1), so a name that is not valid UTF-8 survives byte-exact, equality
 * and ordering are by bytes, and compact strings keep them at one byte per char. {@link #displayName}
 * decodes for people. Times are nanoseconds since the epoch.
 *
 * @param mode the permission bits including setuid, setgid and sticky (07777)
 * @param content the data blobs of a file, in order
 * @param subtree the tree blob of a directory
 * @param inode the source inode; with {@code device} it identifies hardlinks (nlink &gt; 1)
 */
public record Node(
    String name,
    NodeType type,
    int mode,
    int uid,
    int gid,
    String user,
    String group,
    long mtimeNanos,
    long ctimeNanos,
    long inode,
    long device,
    int links,
    long size,
    List<BlobId> content,
    BlobId subtree,
    String linkTarget,
    long rdev,
    SortedMap<String, String> xattrs) {

  private static final SortedMap<String, String> NO_XATTRS = Collections.emptySortedMap();

  public Node {
    if (name == null || name.isEmpty() || name.indexOf('/') >= 0 || name.equals(".") || name.equals("..")) {
      throw new IllegalArgumentException("bad node name: " + name);
    }
    content = content == null ? List.of() : List.copyOf(content);
    // most nodes have none: they share one empty map (a million files, a million maps fewer)
    xattrs = xattrs == null || xattrs.isEmpty() ? NO_XATTRS : Collections.unmodifiableSortedMap(new TreeMap<>(xattrs));
  }

  public String displayName() {
    return display(name);
  }

  public Node withContent(List<BlobId> newContent) {
    return new Node(name, type, mode, uid, gid, user, group, mtimeNanos, ctimeNanos, inode, device, links, size,
        newContent, subtree, linkTarget, rdev, xattrs);
  }

  public Node withSubtree(BlobId tree) {
    return new Node(name, type, mode, uid, gid, user, group, mtimeNanos, ctimeNanos, inode, device, links, size,
        content, tree, linkTarget, rdev, xattrs);
  }

  /** Decodes a byte string for display: UTF-8 where valid, replacement characters elsewhere. */
  public static String display(String byteString) {
    return byteString == null ? null : new String(byteString.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
  }

  /** The byte string of a (Java, UTF-16) string, encoded as UTF-8. */
  public static String bytesOf(String s) {
    return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }
}
