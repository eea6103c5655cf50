package clusteremu.node.report;

import clusteremu.node.report.Report.Row;
import clusteremu.node.report.Report.Saturation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.XYChart;

/** The HTML of report.html: self-contained (styles inline, plots as data URIs), nothing fetched. */
final class ReportPage {
  private ReportPage() {}

  static String render(Report report, RunData data, Map<String, XYChart> charts) {
    StringBuilder html = new StringBuilder();
    html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>clusteremu report: ")
        .append(escape(data.root().getFileName().toString()))
        .append("</title>\n<style>body{font-family:sans-serif;max-width:960px;margin:2em auto;color:#222}"
            + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}"
            + "th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}img{display:block;margin:1em 0}"
            + ".note{color:#555;font-size:90%}</style></head><body>\n");
    html.append("<h1>Run ").append(escape(data.root().getFileName().toString())).append("</h1>\n");
    if (data.settings().dilation() != 1) {
      html.append("<p>In emulated time: time dilation ").append(report.dilation())
          .append(" (each emulated second took ").append(report.dilation()).append(" real seconds). Every rate, latency and time below is emulated.</p>\n");
    }
    Capacity c = report.capacity();
    html.append("<h2>What the model predicts</h2>\n<table><tr><th>tier</th><th>capacity (req/s)</th></tr>\n");
    row(html, "dispatcher, proxy mode", Report.rate(c.dispatcherProxy()));
    row(html, "dispatcher, handoff mode", Report.rate(c.dispatcherHandoff()));
    row(html, "app tier", Report.rate(c.appTier()));
    row(html, "data tier", Report.rate(c.dataTier()));
    html.append("</table>\n<p class=\"note\">Each tier carries the sum over its servers of cores / demand per request; the "
        + "dispatcher pays per request and, in proxy mode, per relayed reply. The cluster carries its narrowest tier.</p>\n");
    if (!report.saturation().isEmpty()) {
      html.append("<h2>Saturation: predicted and measured</h2>\n<table><tr><th>mode</th><th>predicted (req/s)</th><th>measured (req/s)</th><th>error</th><th>bottleneck</th></tr>\n");
      for (Saturation s : report.saturation()) {
        html.append("<tr><td>").append(escape(s.label())).append("</td><td>").append(Report.rate(s.predicted())).append("</td><td>")
            .append(Report.fmt(s.measured())).append("</td><td>")
            .append(s.reached() ? String.format(Locale.ROOT, "%+.1f%%", 100 * s.error()) : "not reached")
            .append("</td><td>").append(escape(s.bottleneck())).append("</td></tr>\n");
      }
      html.append("</table>\n");
      for (String ratio : report.ratios(report.saturation())) {
        html.append("<p><b>").append(escape(ratio)).append("</b></p>\n");
      }
      html.append("<p class=\"note\">Measured saturation is the highest throughput among the mode's phases; it is "
          + "reached only if some phase offered at least the predicted capacity.</p>\n");
    }
    html.append("<h2>Phases</h2>\n<table><tr><th>phase</th><th>mode</th><th>policy</th><th>dispatchers</th><th>offered (req/s)</th><th>throughput (req/s)</th>"
        + "<th>p50 (ms)</th><th>p99 (ms)</th><th>mean (ms)</th><th>model mean (ms)</th><th>failed</th><th>timed out</th><th>dispatcher busy</th><th>dispatcher queue</th></tr>\n");
    for (Row r : report.rows()) {
      html.append("<tr><td>").append(escape(r.phase())).append("</td><td>").append(escape(r.mode())).append("</td><td>")
          .append(escape(r.policy())).append("</td><td>").append(r.dispatchers() == 0 ? "-" : String.valueOf(r.dispatchers())).append("</td><td>")
          .append(Report.fmt(r.offered())).append("</td><td>").append(Report.fmt(r.throughput())).append("</td><td>")
          .append(Report.fmt(r.p50())).append("</td><td>").append(Report.fmt(r.p99())).append("</td><td>")
          .append(Report.fmt(r.mean())).append("</td><td>").append(Double.isNaN(r.modelMean()) ? "-" : Report.fmt(r.modelMean())).append("</td><td>")
          .append(r.failed()).append("</td><td>").append(r.timeouts()).append("</td><td>")
          .append(Double.isNaN(r.busy()) ? "-" : String.format(Locale.ROOT, "%.2f", r.busy())).append("</td><td>")
          .append(Double.isNaN(r.queue()) ? "-" : String.format(Locale.ROOT, "%.1f", r.queue())).append("</td></tr>\n");
    }
    html.append("</table>\n<p class=\"note\">Model mean: the measured mean of the lightest phase of the same mode and "
        + "dispatchers, plus the extra wait an M/D/1 dispatcher queue predicts at the phase's load (Pollaczek-Khinchine; "
        + "in proxy mode a request waits twice, for its request and its reply). Blank at or past saturation.</p>\n");
    MigrationTable.of(data.root()).html(html);
    new FaultTable(data).html(html);
    html.append("<h2>Plots</h2>\n");
    for (Map.Entry<String, XYChart> chart : charts.entrySet()) {
      try {
        html.append("<img alt=\"").append(escape(chart.getValue().getTitle())).append("\" width=\"").append(Charts.WIDTH)
            .append("\" src=\"").append(Charts.pngDataUri(chart.getValue())).append("\">\n");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot draw " + chart.getKey(), e);
      }
    }
    html.append("<p class=\"note\">Latencies are of requests answered ok, from their intended send time; throughput and "
        + "latency cover each phase's measured window. Made by scripts/report from the run's files.</p>\n</body></html>\n");
    return html.toString();
  }

  private static void row(StringBuilder html, String name, String value) {
    html.append("<tr><td>").append(escape(name)).append("</td><td>").append(value).append("</td></tr>\n");
  }

  /** An HTML table of {@code header} and {@code rows}, every cell escaped: the text table's twin. */
  static void table(StringBuilder html, List<String> header, List<List<String>> rows) {
    html.append("<table><tr>");
    header.forEach(h -> html.append("<th>").append(escape(h)).append("</th>"));
    html.append("</tr>\n");
    for (List<String> row : rows) {
      html.append("<tr>");
      row.forEach(cell -> html.append("<td>").append(escape(cell)).append("</td>"));
      html.append("</tr>\n");
    }
    html.append("</table>\n");
  }

  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
