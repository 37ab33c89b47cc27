package io.cairn.policy;

import java.util.List;

/**
 * A consistency group: assets captured together, in one freeze window, as one recovery point, and
 * restored in the order {@code after} gives (a DAG). Its class, when given, sets its objectives;
 * otherwise the strictest of its members' do.
 */
public record Group(String name, String className, List<Member> members, Hook.Hooks hooks, List<Check> checks, Node.Where where) {
  public Group {
    members = List.copyOf(members);
    checks = List.copyOf(checks);
  }

  /** A member and the members it must be restored after. */
  public record Member(String asset, List<String> after) {
    public Member {
      after = List.copyOf(after);
    }
  }

  public List<String> assets() {
    return members.stream().map(Member::asset).toList();
  }
}
