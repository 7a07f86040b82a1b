package io.headroom.archtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The table parsing and rewriting that the doc tests rely on. */
class DocTablesTest {
  private static final List<String> DOC =
      List.of(
          "# Title",
          "",
          "| not | a module table |",
          "|---|---|",
          "| `X` | y |",
          "",
          "## headroom-a",
          "",
          "Prose.",
          "",
          "| key | meaning |",
          "|---|---|",
          "| `A_ONE` | first |",
          "| `A_TWO` | `p=x\\|y` second |",
          "",
          "## headroom-b",
          "",
          "| key | meaning |",
          "|---|---|",
          "| `B_ONE` | only |",
          "",
          "## After",
          "",
          "| `Z` | not in a module section |");

  @Test
  void readsOnlyTheFirstTableOfEachModuleSection() {
    assertThat(DocTables.rows(DOC))
        .extracting(DocTables.Row::module, DocTables.Row::key)
        .containsExactly(tuple("a", "A_ONE"), tuple("a", "A_TWO"), tuple("b", "B_ONE"));
  }

  @Test
  void anEscapedPipeDoesNotSplitACell() {
    assertThat(DocTables.cells("| `A_TWO` | `p=x\\|y` second |"))
        .containsExactly("`A_TWO`", "`p=x\\|y` second");
  }

  @Test
  void rewriteReplacesRowsKeepsProseAndAddsNewSectionsAtTheEnd() {
    Map<String, List<List<String>>> tables = new LinkedHashMap<>();
    tables.put("a", List.of(List.of("`A_TWO`", "second")));
    tables.put("c", List.of(List.of("`C_ONE`", "TODO: describe")));
    List<String> out = DocTables.rewrite(DOC, tables, List.of("key", "meaning"));
    assertThat(out)
        .containsSubsequence("Prose.", "| key | meaning |", "|---|---|", "| `A_TWO` | second |")
        .doesNotContain("| `A_ONE` | first |", "| `B_ONE` | only |")
        .contains("| `Z` | not in a module section |");
    assertThat(out.subList(out.size() - 5, out.size()))
        .containsExactly(
            "## headroom-c", "", "| key | meaning |", "|---|---|", "| `C_ONE` | TODO: describe |");
    assertThat(DocTables.rows(out))
        .extracting(DocTables.Row::key)
        .containsExactly("A_TWO", "C_ONE");
  }

  @Test
  void rewritingWithTheSameRowsChangesNothing() {
    Map<String, List<List<String>>> tables = new LinkedHashMap<>();
    for (DocTables.Row r : DocTables.rows(DOC)) {
      tables.computeIfAbsent(r.module(), m -> new ArrayList<>()).add(r.cells());
    }
    assertThat(DocTables.rewrite(DOC, tables, List.of("key", "meaning")))
        .containsExactlyElementsOf(DOC);
  }
}
