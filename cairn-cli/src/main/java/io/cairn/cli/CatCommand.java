package io.cairn.cli;

import io.cairn.service.CatService;
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
    CatService cat = new CatService(workspace());
    if (kind.equals("blob")) {
      cat.blob(global.repo(), id, System.out);
    } else {
      printJson(cat.object(global.repo(), kind, id));
    }
    return 0;
  }
}
