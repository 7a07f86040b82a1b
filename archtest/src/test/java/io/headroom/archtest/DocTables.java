package io.headroom.archtest;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The module tables of {@code docs/settings.md} and {@code docs/metrics.md}. Each module has a
 * section headed {@code ## headroom-<module>}; the first table of that section lists the module's
 * rows, each keyed by the backticked text of its first cell. This class parses those tables and
 * rewrites them from what a test observed, keeping the cells people wrote.
 *
 * <p>Run a doc test with {@code -Dheadroom.docs.write=true} to rewrite its document instead of
 * checking it (see {@link #WRITE_PROPERTY}).
 */
final class DocTables {
  /** The system property that turns a doc test from "check" into "rewrite the document". */
  static final String WRITE_PROPERTY = "headroom.docs.write";

  /** What a new row's human-written cells hold until somebody describes it. */
  static final String TODO = "TODO: describe";

  static final String SECTION = "## headroom-";

  /** One table row: the module section it sits in, its key and all its cells (key cell first). */
  record Row(String module, String key, List<String> cells) {}

  private DocTables() {}

  static boolean writeMode() {
    return Boolean.getBoolean(WRITE_PROPERTY);
  }

  /** {@code docs/<name>} of the repository this test runs in. */
  static Path doc(String name) {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.isDirectory(dir.resolve("docs"))
          && Files.isRegularFile(dir.resolve("pom.xml"))
          && Files.isDirectory(dir.resolve("archtest"))) {
        return dir.resolve("docs").resolve(name);
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException("no docs/ directory above " + Path.of("").toAbsolutePath());
  }

  static List<String> read(Path doc) {
    try {
      return Files.readAllLines(doc, UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + doc, e);
    }
  }

  static void write(Path doc, List<String> lines) {
    try {
      Files.writeString(doc, String.join("\n", lines) + "\n", UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + doc, e);
    }
  }

  /** The rows of every module table, in document order. */
  static List<Row> rows(List<String> lines) {
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<String, int[]> e : tables(lines).entrySet()) {
      int[] range = e.getValue();
      for (int i = range[0] + 2; i < range[1]; i++) {
        List<String> cells = cells(lines.get(i));
        String key = cells.isEmpty() ? null : code(cells.get(0));
        if (key != null) {
          rows.add(new Row(e.getKey(), key, cells));
        }
      }
    }
    return rows;
  }

  /**
   * Replaces the rows of each module's table with {@code tables.get(module)} (cells per row). A
   * module without a section gets one at the end of the document, with {@code header} as its
   * table's header; a section without a table gets the table right after its heading. Sections of
   * modules absent from {@code tables} keep their header and lose their rows.
   */
  static List<String> rewrite(
      List<String> lines, Map<String, List<List<String>>> tables, List<String> header) {
    List<String> out = new ArrayList<>(lines);
    Map<String, List<List<String>>> todo = new LinkedHashMap<>(tables);
    for (String module : sections(out).keySet()) {
      todo.putIfAbsent(module, List.of());
    }
    for (Map.Entry<String, List<List<String>>> e : todo.entrySet()) {
      List<String> rendered = new ArrayList<>();
      for (List<String> cells : e.getValue()) {
        rendered.add(line(cells));
      }
      int[] range = tables(out).get(e.getKey());
      Integer heading = sections(out).get(e.getKey());
      if (range != null) {
        for (int i = range[1] - 1; i >= range[0] + 2; i--) {
          out.remove(i);
        }
        out.addAll(range[0] + 2, rendered);
      } else if (heading != null) {
        List<String> table = new ArrayList<>(List.of("", line(header), separator(header.size())));
        table.addAll(rendered);
        out.addAll(heading + 1, table);
      } else if (!rendered.isEmpty()) {
        while (!out.isEmpty() && out.get(out.size() - 1).isBlank()) {
          out.remove(out.size() - 1);
        }
        out.add("");
        out.add(SECTION + e.getKey());
        out.add("");
        out.add(line(header));
        out.add(separator(header.size()));
        out.addAll(rendered);
      }
    }
    return out;
  }

  /** The cells of a table line, trimmed; {@code \|} inside a cell does not split it. */
  static List<String> cells(String line) {
    List<String> cells = new ArrayList<>();
    String t = line.trim();
    if (!t.startsWith("|")) {
      return cells;
    }
    StringBuilder cell = new StringBuilder();
    for (int i = 1; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c == '\\' && i + 1 < t.length() && t.charAt(i + 1) == '|') {
        cell.append("\\|");
        i++;
      } else if (c == '|') {
        cells.add(cell.toString().trim());
        cell.setLength(0);
      } else {
        cell.append(c);
      }
    }
    if (!cell.toString().isBlank()) {
      cells.add(cell.toString().trim());
    }
    return cells;
  }

  /** The text between the first pair of backticks, or null. */
  static @Nullable String code(String cell) {
    int open = cell.indexOf('`');
    int close = open < 0 ? -1 : cell.indexOf('`', open + 1);
    return close < 0 ? null : cell.substring(open + 1, close);
  }

  static String line(List<String> cells) {
    return "| " + String.join(" | ", cells) + " |";
  }

  private static String separator(int columns) {
    return "|" + "---|".repeat(columns);
  }

  /** Module -> index of its {@code ## headroom-<module>} heading. */
  private static Map<String, Integer> sections(List<String> lines) {
    Map<String, Integer> sections = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i).trim();
      if (l.startsWith(SECTION)) {
        sections.put(l.substring(SECTION.length()).trim(), i);
      }
    }
    return sections;
  }

  /**
   * Module -> [first line, end) of the first table of its section: the header line, the separator,
   * then the rows.
   */
  private static Map<String, int[]> tables(List<String> lines) {
    Map<String, int[]> tables = new LinkedHashMap<>();
    for (Map.Entry<String, Integer> e : sections(lines).entrySet()) {
      int i = e.getValue() + 1;
      while (i < lines.size()
          && !lines.get(i).trim().startsWith("|")
          && !lines.get(i).trim().startsWith("## ")) {
        i++;
      }
      if (i >= lines.size() || lines.get(i).trim().startsWith("## ")) {
        continue;
      }
      int start = i;
      while (i < lines.size() && lines.get(i).trim().startsWith("|")) {
        i++;
      }
      tables.put(e.getKey(), new int[] {start, i});
    }
    return tables;
  }
}
