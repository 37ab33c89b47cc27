package io.cairn.engine.repo;

/**
 * A kind of typed record a repository holds: where its objects live, the letter its seal binds (so
 * an object of one kind never opens as another), and the type its JSON decodes to.
 *
 * @param prefix the folder of its objects, ending in '/'
 * @param letter the kind letter sealed into every object (docs/repository-format.md)
 */
public record RecordKind<T>(String prefix, char letter, Class<T> type) {
  public RecordKind {
    if (!prefix.endsWith("/")) throw new IllegalArgumentException("a record prefix ends in '/': " + prefix);
  }
}
