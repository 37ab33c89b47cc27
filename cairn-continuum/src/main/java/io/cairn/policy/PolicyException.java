package io.cairn.policy;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import java.util.List;
import java.util.stream.Collectors;

/** The policy cannot be used: every problem found, each with its file, line and column. */
public final class PolicyException extends CairnException {
  private final List<Problem> problems;

  public PolicyException(List<Problem> problems) {
    super(ErrorCode.CONFIG, summary(problems));
    this.problems = List.copyOf(problems);
  }

  public List<Problem> problems() {
    return problems;
  }

  private static String summary(List<Problem> problems) {
    if (problems.size() == 1) return problems.get(0).toString();
    return problems.size() + " problems in the policy:\n" + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n"));
  }
}
