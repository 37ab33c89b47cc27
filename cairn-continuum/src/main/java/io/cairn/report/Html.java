package io.cairn.report;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The compliance report as one self-contained HTML page: inline CSS and inline SVG charts (achieved
 * RPO over time against the objective; each drill's phases as stacked bars), no script, font or image
 * from anywhere, so it can be mailed, archived as evidence, and opened offline.
 */
public final class Html {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final Map<String, String> PHASE_COLORS = Map.of("provision", "#6c8ebf", "hydrate", "#82b366", "reconcile", "#d6b656",
      "validate", "#9673a6", "cutover", "#b85450", "teardown", "#999999");
  private static final List<String> PHASES = List.of("provision", "hydrate", "reconcile", "validate", "cutover", "teardown");

  private Html() {}

  public static String render(Compliance.Report r, List<Gaps.Gap> gaps) {
    StringBuilder b = new StringBuilder(16_384);
    b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Cairn compliance report</title>\n<style>\n")
        .append("body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1100px}h1{font-size:1.5em}")
        .append(".card{border:1px solid #ccc;border-left:8px solid;border-radius:4px;padding:.8em 1em;margin:1em 0}")
        .append(".GREEN{border-left-color:#2e7d32}.AMBER{border-left-color:#f9a825}.RED{border-left-color:#c62828}")
        .append(".badge{display:inline-block;padding:.1em .6em;border-radius:3px;color:#fff;font-weight:bold;font-size:.85em}")
        .append(".b-GREEN{background:#2e7d32}.b-AMBER{background:#f9a825;color:#222}.b-RED{background:#c62828}")
        .append("table{border-collapse:collapse}td,th{padding:.2em .8em;text-align:left;border-bottom:1px solid #eee}")
        .append(".charts{display:flex;gap:2em;flex-wrap:wrap}.muted{color:#777}svg text{font-size:10px;fill:#444}\n</style></head><body>\n");
    b.append("<h1>Cairn compliance report</h1>\n<p>As of <b id=\"at\">").append(TIME.format(r.at())).append("</b>; overall <span class=\"badge b-")
        .append(r.worst()).append("\" id=\"overall\">").append(r.worst()).append("</span>; window ").append(r.window().toDays()).append(" days.</p>\n");
    b.append("<table id=\"summary\"><tr><th>Asset or group</th><th>Status</th><th>RPO objective</th><th>Achieved</th><th>RTO objective</th>")
        .append("<th>Demonstrated</th><th>Last drill</th></tr>\n");
    for (Compliance.Entry e : r.entries()) {
      b.append("<tr><td>").append(esc(e.subject())).append("</td><td><span class=\"badge b-").append(e.status()).append("\">").append(e.status())
          .append("</span></td><td>").append(Compliance.human(e.rpo())).append("</td><td>").append(Compliance.human(e.achievedRpo()))
          .append("</td><td>").append(Compliance.human(e.rto())).append("</td><td>").append(Compliance.human(e.lastDrillRto()))
          .append("</td><td>").append(e.lastDrill() == null ? "never" : esc(e.lastDrill().outcome()) + ", " + Compliance.human(e.lastDrillAge()) + " ago")
          .append("</td></tr>\n");
    }
    b.append("</table>\n");
    for (Compliance.Entry e : r.entries()) {
      b.append("<div class=\"card ").append(e.status()).append("\" id=\"entry-").append(esc(e.subject())).append("\"><h2>").append(esc(e.subject()))
          .append(" <span class=\"muted\">").append(e.kind()).append(", class ").append(esc(e.className())).append("</span> <span class=\"badge b-")
          .append(e.status()).append("\">").append(e.status()).append("</span></h2>\n<ul>");
      for (String reason : e.reasons()) b.append("<li>").append(esc(reason)).append("</li>");
      b.append("</ul>\n<table><tr><td>RPO</td><td>objective ").append(Compliance.human(e.rpo())).append(", achieved ")
          .append(Compliance.human(e.achievedRpo())).append(", largest gap ").append(Compliance.human(e.largestGap())).append("</td></tr>")
          .append("<tr><td>RTO</td><td>objective ").append(Compliance.human(e.rto())).append(", last drill ").append(Compliance.human(e.lastDrillRto()))
          .append(", p95 ").append(Compliance.human(e.p95Rto())).append(phases(e.p95Phases())).append("</td></tr>")
          .append("<tr><td>Newest point</td><td>").append(e.newestPoint() == null ? "none" : TIME.format(e.newestPoint()) + ", "
              + esc(e.newestConsistency()) + ", " + e.copies() + " cop" + (e.copies() == 1 ? "y" : "ies")).append(" (").append(e.points())
          .append(" points)</td></tr></table>\n<div class=\"charts\">");
      rpoChart(b, e);
      drillChart(b, e);
      b.append("</div></div>\n");
    }
    b.append("<h2>Gaps</h2>\n");
    if (gaps.isEmpty()) b.append("<p id=\"gaps\">None: the evidence covers what the policy asks for.</p>\n");
    else {
      b.append("<table id=\"gaps\"><tr><th>Asset or group</th><th>Gap</th><th>Why it matters</th><th>What to do</th></tr>\n");
      for (Gaps.Gap g : gaps) {
        b.append("<tr><td>").append(esc(g.subject())).append("</td><td><span class=\"badge b-").append(g.severity()).append("\">").append(esc(g.kind()))
            .append("</span></td><td>").append(esc(g.why())).append("</td><td>").append(esc(g.todo())).append("</td></tr>\n");
      }
      b.append("</table>\n");
    }
    b.append("<p class=\"muted\">Measured from the repositories' evidence by Cairn. A point is verified when a data check or a passed drill covers it.</p>\n");
    return b.append("</body></html>\n").toString();
  }

  private static String phases(Map<String, Long> p) {
    if (p.isEmpty()) return "";
    StringBuilder b = new StringBuilder(" (p95 per phase: ");
    p.forEach((k, v) -> b.append(k).append(' ').append(Compliance.human(Duration.ofMillis(v))).append(", "));
    return b.substring(0, b.length() - 2) + ")";
  }

  private static void rpoChart(StringBuilder b, Compliance.Entry e) {
    int w = 420;
    int h = 160;
    int pad = 30;
    long max = Math.max(e.rpo().toSeconds(), e.rpoSeries().stream().filter(s -> s.seconds() != null).mapToLong(Compliance.Sample::seconds).max().orElse(1));
    max = Math.max(1, max * 11 / 10);
    b.append("<figure><svg class=\"rpo-chart\" width=\"").append(w).append("\" height=\"").append(h).append("\" viewBox=\"0 0 ").append(w).append(' ')
        .append(h).append("\" role=\"img\"><title>Achieved RPO of ").append(esc(e.subject())).append("</title>");
    b.append("<rect x=\"").append(pad).append("\" y=\"5\" width=\"").append(w - pad - 5).append("\" height=\"").append(h - pad - 5)
        .append("\" fill=\"#fafafa\" stroke=\"#ddd\"/>");
    double oy = y(e.rpo().toSeconds(), max, h, pad);
    b.append("<line x1=\"").append(pad).append("\" x2=\"").append(w - 5).append("\" y1=\"").append(fmt(oy)).append("\" y2=\"").append(fmt(oy))
        .append("\" stroke=\"#c62828\" stroke-dasharray=\"4 3\"/><text x=\"").append(pad + 3).append("\" y=\"").append(fmt(oy - 3))
        .append("\">objective ").append(Compliance.human(e.rpo())).append("</text>");
    StringBuilder pts = new StringBuilder();
    List<Compliance.Sample> s = e.rpoSeries();
    for (int i = 0; i < s.size(); i++) {
      if (s.get(i).seconds() == null) continue;
      double x = pad + (w - pad - 5) * (s.size() == 1 ? 0 : (double) i / (s.size() - 1));
      pts.append(fmt(x)).append(',').append(fmt(y(s.get(i).seconds(), max, h, pad))).append(' ');
    }
    if (!pts.isEmpty()) b.append("<polyline fill=\"none\" stroke=\"#1565c0\" stroke-width=\"1.5\" points=\"").append(pts.toString().strip()).append("\"/>");
    b.append("<text x=\"2\" y=\"12\">").append(Compliance.human(Duration.ofSeconds(max))).append("</text><text x=\"2\" y=\"").append(h - pad)
        .append("\">0</text>");
    if (!s.isEmpty()) {
      b.append("<text x=\"").append(pad).append("\" y=\"").append(h - 8).append("\">").append(TIME.format(s.get(0).time())).append("</text>")
          .append("<text x=\"").append(w - 130).append("\" y=\"").append(h - 8).append("\">").append(TIME.format(s.get(s.size() - 1).time()))
          .append("</text>");
    }
    b.append("</svg><figcaption>Achieved RPO over time</figcaption></figure>");
  }

  private static void drillChart(StringBuilder b, Compliance.Entry e) {
    int w = 420;
    int h = 160;
    int pad = 30;
    List<Compliance.Drill> ds = e.drills();
    long max = Math.max(1, ds.stream().mapToLong(d -> d.phases().values().stream().mapToLong(Long::longValue).sum()).max().orElse(1));
    max = Math.max(max, e.rto().toMillis() > max * 4 ? max : e.rto().toMillis());
    b.append("<figure><svg class=\"drill-chart\" width=\"").append(w).append("\" height=\"").append(h).append("\" viewBox=\"0 0 ").append(w).append(' ')
        .append(h).append("\" role=\"img\"><title>Drill durations of ").append(esc(e.subject())).append("</title>");
    b.append("<rect x=\"").append(pad).append("\" y=\"5\" width=\"").append(w - pad - 5).append("\" height=\"").append(h - pad - 5)
        .append("\" fill=\"#fafafa\" stroke=\"#ddd\"/>");
    if (ds.isEmpty()) {
      b.append("<text x=\"").append(pad + 10).append("\" y=\"").append(h / 2).append("\">no drill in the window</text>");
    }
    double bw = ds.isEmpty() ? 0 : Math.min(30, (w - pad - 10) / (double) ds.size() - 2);
    for (int i = 0; i < ds.size(); i++) {
      Compliance.Drill d = ds.get(i);
      double x = pad + 3 + i * (bw + 2);
      double base = h - pad;
      for (String ph : PHASES) {
        Long ms = d.phases().get(ph);
        if (ms == null || ms == 0) continue;
        double hh = (h - pad - 5) * (double) ms / (max * 1.1);
        base -= hh;
        b.append("<rect class=\"phase-").append(ph).append("\" x=\"").append(fmt(x)).append("\" y=\"").append(fmt(base)).append("\" width=\"")
            .append(fmt(bw)).append("\" height=\"").append(fmt(hh)).append("\" fill=\"").append(PHASE_COLORS.get(ph)).append("\"><title>")
            .append(ph).append(' ').append(ms).append(" ms</title></rect>");
      }
      if (!"passed".equals(d.outcome())) {
        b.append("<text x=\"").append(fmt(x)).append("\" y=\"").append(fmt(base - 2)).append("\" fill=\"#c62828\">✗</text>");
      }
    }
    int lx = pad + 3;
    for (String ph : PHASES) {
      b.append("<rect x=\"").append(lx).append("\" y=\"").append(h - 12).append("\" width=\"8\" height=\"8\" fill=\"").append(PHASE_COLORS.get(ph))
          .append("\"/><text x=\"").append(lx + 10).append("\" y=\"").append(h - 4).append("\">").append(ph).append("</text>");
      lx += 62;
    }
    b.append("</svg><figcaption>Drill duration per phase (").append(ds.size()).append(" drill").append(ds.size() == 1 ? "" : "s").append(")</figcaption></figure>");
  }

  private static double y(long v, long max, int h, int pad) {
    return 5 + (h - pad - 5) * (1 - (double) v / max);
  }

  private static String fmt(double d) {
    return String.format(Locale.ROOT, "%.1f", d);
  }

  static String esc(String s) {
    if (s == null) return "";
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
