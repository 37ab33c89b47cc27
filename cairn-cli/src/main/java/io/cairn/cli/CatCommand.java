package io.cairn.cli;

import io.cairn.engine.BlobId;
import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.Json;
import io.cairn.engine.index.IndexFormat;
import io.cairn.engine.pack.PackEntry;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.tree.Node;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "cat", description = {"Print a repository object, decrypted (for debugging).",
    "",
    "KIND is one of: config, key, snapshot, index, pack (its trailer), tree, blob (raw bytes to stdout)."})
final class CatCommand extends BaseCommand {
  @Parameters(index = "0", paramLabel = "KIND") String kind;
  @Parameters(index = "1", arity = "0..1", paramLabel = "ID") String id;

  @Override
  public Integer call() throws Exception {
    try (Repository repo = openRepo()) {
      switch (kind) {
        case "config" -> printJson(repo.config());
        case "key" -> printJson(Json.MAPPER.readTree(repo.store().get("keys/" + need())));
        case "snapshot" -> printJson(SnapshotsCommand.asMap(repo.resolve(need())));
        case "index" -> {
          String key = "index/" + need();
          List<Map<String, Object>> out = new ArrayList<>();
          for (IndexFormat.PackBlobs pb : IndexFormat.decode(key, repo.sealer().open(key, 'I', repo.store().get(key)))) {
            out.add(Map.of("pack", pb.pack().toString(), "blobs", entries(pb.entries())));
          }
          printJson(out);
        }
        case "pack" -> {
          BlobId p = BlobId.fromHex(need());
          printJson(entries(repo.readPackTrailer(p)));
        }
        case "tree" -> {
          List<Map<String, Object>> out = new ArrayList<>();
          for (Node n : repo.readTree(BlobId.fromHex(need()))) {
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
          printJson(out);
        }
        case "blob" -> {
          byte[] b = repo.readBlob(BlobId.fromHex(need()));
          System.out.write(b);
          System.out.flush();
        }
        default -> throw new CairnException(ErrorCode.USAGE, "unknown kind '" + kind + "'; use config, key, snapshot, index, pack, tree or blob");
      }
      return 0;
    } catch (IllegalArgumentException e) {
      throw new CairnException(ErrorCode.USAGE, e.getMessage());
    }
  }

  private String need() {
    if (id == null) throw new CairnException(ErrorCode.USAGE, "cat " + kind + " needs an ID");
    return id;
  }

  private static List<Map<String, Object>> entries(List<PackEntry> es) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (PackEntry e : es) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", e.id().toString());
      m.put("type", e.type().name().toLowerCase());
      m.put("compression", e.compression().name().toLowerCase());
      m.put("offset", e.offset());
      m.put("length", e.length());
      m.put("rawLength", e.rawLength());
      out.add(m);
    }
    return out;
  }
}
