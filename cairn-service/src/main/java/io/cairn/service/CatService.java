package io.cairn.service;

import io.cairn.engine.BlobId;
import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.Json;
import io.cairn.engine.index.IndexFormat;
import io.cairn.engine.pack.PackEntry;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.tree.Node;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Repository objects, decrypted and decoded, for debugging: config, key, snapshot, index, pack trailer, tree, blob. */
public final class CatService {
  private final Workspace ws;

  public CatService(Workspace ws) {
    this.ws = ws;
  }

  /** One object of {@code kind} (config, key, snapshot, index, pack, tree) as a JSON-able value. */
  public Object object(String repository, String kind, String id) throws IOException {
    try (Repository repo = ws.open(repository, Workspace.Use.PLAIN)) {
      switch (kind) {
        case "config" -> {
          return repo.config();
        }
        case "key" -> {
          return Json.MAPPER.readTree(repo.store().get("keys/" + need(kind, id)));
        }
        case "snapshot" -> {
          return SnapshotService.Info.of(repo.resolve(need(kind, id)));
        }
        case "index" -> {
          String key = "index/" + need(kind, id);
          List<Map<String, Object>> out = new ArrayList<>();
          for (IndexFormat.PackBlobs pb : IndexFormat.decode(key, repo.sealer().open(key, 'I', repo.store().get(key)))) {
            out.add(Map.of("pack", pb.pack().toString(), "blobs", entries(pb.entries())));
          }
          return out;
        }
        case "pack" -> {
          BlobId p = BlobId.fromHex(need(kind, id));
          return entries(repo.readPackTrailer(p));
        }
        case "tree" -> {
          List<Map<String, Object>> out = new ArrayList<>();
          for (Node n : repo.readTree(BlobId.fromHex(need(kind, id)))) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", n.displayName());
            m.put("type", n.type().label);
            m.put("mode", String.format("%04o", n.mode()));
            m.put("uid", n.uid());
            m.put("gid", n.gid());
            m.put("size", n.size());
            m.put("mtimeNanos", n.mtimeNanos());
            m.put("inode", n.inode());
            m.put("links", n.links());
            if (n.subtree() != null) m.put("subtree", n.subtree().toString());
            if (!n.content().isEmpty()) m.put("content", n.content().stream().map(BlobId::toString).toList());
            if (n.linkTarget() != null) m.put("target", Node.display(n.linkTarget()));
            if (!n.xattrs().isEmpty()) m.put("xattrs", n.xattrs().keySet().stream().map(Node::display).toList());
            out.add(m);
          }
          return out;
        }
        default -> throw new CairnException(ErrorCode.USAGE, "unknown kind '" + kind + "'; use config, key, snapshot, index, pack, tree or blob");
      }
    } catch (IllegalArgumentException e) {
      throw new CairnException(ErrorCode.USAGE, e.getMessage());
    }
  }

  /** Writes a blob's plaintext, verified, to {@code out}. */
  public void blob(String repository, String id, OutputStream out) throws IOException {
    try (Repository repo = ws.open(repository, Workspace.Use.PLAIN)) {
      out.write(repo.readBlob(BlobId.fromHex(need("blob", id))));
      out.flush();
    } catch (IllegalArgumentException e) {
      throw new CairnException(ErrorCode.USAGE, e.getMessage());
    }
  }

  private static String need(String kind, String id) {
    if (id == null) throw new CairnException(ErrorCode.USAGE, "cat " + kind + " needs an ID");
    return id;
  }

  private static List<Map<String, Object>> entries(List<PackEntry> es) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (PackEntry e : es) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", e.id().toString());
      m.put("type", e.type().name().toLowerCase(Locale.ROOT));
      m.put("compression", e.compression().name().toLowerCase(Locale.ROOT));
      m.put("offset", e.offset());
      m.put("length", e.length());
      m.put("rawLength", e.rawLength());
      out.add(m);
    }
    return out;
  }
}
