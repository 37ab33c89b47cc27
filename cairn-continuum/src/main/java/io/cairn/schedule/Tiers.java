package io.cairn.schedule;

import io.cairn.policy.Asset;
import io.cairn.policy.Policy;
import io.cairn.policy.ProtectionClass;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The points the policy's tiering rules move now: an asset's points in its repository older than a
 * rule's {@code after}, to the rule's repository (an archive). A move is a verified copy there, then
 * a forget where the point was: the catalog then knows one logical point, in the archive. Group points
 * are not tiered (their members are kept together where they are). Pure logic over the facts the
 * planner reads.
 */
public final class Tiers {
  private Tiers() {}

  /** A point to move; {@code copied} when a passed copy record in {@code to} names it already (only the forget is left). */
  public record Move(String subject, String from, String to, String point, Instant time, boolean copied) {}

  public static List<Move> due(Policy p, Copies.Facts f, Instant now, String fallbackRepository) {
    List<Move> out = new ArrayList<>();
    for (Asset a : p.assets().values()) {
      ProtectionClass c = p.classes().get(p.effective(a.name()).className());
      if (c == null || c.tiering().isEmpty()) continue;
      String from = Planner.repositoryName(p, a, fallbackRepository);
      if (from == null) continue;
      String fromId = f.ids.get(from);
      for (ProtectionClass.TierRule rule : c.tiering()) {
        if (rule.to().equals(from)) continue;
        Set<String> in = f.landed.getOrDefault(rule.to(), Set.of());
        for (Copies.Facts.Held h : f.held) {
          if (h.group() || !h.repository().equals(from) || !h.subject().equals(a.name())) continue;
          if (h.time().plus(rule.after()).isAfter(now)) continue;
          boolean moved = out.stream().anyMatch(m -> m.point().equals(h.id()) && m.from().equals(from));
          if (!moved) out.add(new Move(a.name(), from, rule.to(), h.id(), h.time(), fromId != null && in.contains(fromId + "/" + h.id())));
        }
      }
    }
    out.sort(Comparator.comparing(Move::time));
    return out;
  }
}
