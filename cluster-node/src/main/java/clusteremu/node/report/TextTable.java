package clusteremu.node.report;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table with columns as wide as their widest cell. */
public final class TextTable {
  private final List<String[]> rows = new ArrayList<>();

  public TextTable(String... header) {
    rows.add(header);
  }

  public void row(String... cells) {
    rows.add(cells);
  }

  /** A table of {@code header} and {@code rows}, printed. */
  public static void print(PrintStream out, List<String> header, List<List<String>> rows) {
    TextTable table = new TextTable(header.toArray(String[]::new));
    rows.forEach(r -> table.row(r.toArray(String[]::new)));
    table.print(out);
  }

  public void print(PrintStream out) {
    int columns = rows.get(0).length;
    int[] width = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        line.append(i == 0 ? "" : "  ").append(String.format("%-" + width[i] + "s", row[i]));
      }
      out.println(line.toString().stripTrailing());
    }
  }
}
