package io.cairn.policy;

import java.util.List;

/**
 * Something protected: where its data comes from, its class, the settings it overrides, its hooks
 * and the checks a restored copy must pass.
 *
 * @param repository the name of the repository its points go to (the policy's primary when not given)
 */
public record Asset(String name, String className, Source source, String repository, Overrides overrides, Hook.Hooks hooks,
    List<Check> checks, List<String> tags, Node.Where where) {
  public Asset {
    checks = List.copyOf(checks);
    tags = List.copyOf(tags);
  }
}
